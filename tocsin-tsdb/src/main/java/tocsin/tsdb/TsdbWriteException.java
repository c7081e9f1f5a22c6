package tocsin.tsdb;

/**
 * A batch could not be made durable (the WAL could not be written or synced, or the store is closed). Nothing in the
 * batch may be assumed stored; the sender should retry, so the intake answers with a retryable error. After a
 * failed write or sync the store refuses every later append too, since the state of unsynced data is unknown
 * (PostgreSQL's lesson from "fsyncgate"): restart the process, which replays the WAL and carries on.
 */
public final class TsdbWriteException extends TsdbException {
    TsdbWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
