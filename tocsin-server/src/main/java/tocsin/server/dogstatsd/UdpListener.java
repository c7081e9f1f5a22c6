package tocsin.server.dogstatsd;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Receives UDP datagrams and hands them to a consumer on another thread, through a bounded queue.
 *
 * <p>Design note. DogStatsD clients fire and forget: a datagram not read in time is lost in the kernel without a
 * trace. So one platform thread does nothing but {@code receive} into pooled buffers and enqueue, keeping the socket
 * drained, and a second thread parses. When the parser falls behind and the queue is full, the reader drops the
 * datagram <em>and counts it</em> ({@code tocsin_udp_packets_dropped_total}), so loss is visible on
 * {@code /metrics} instead of silent. The reader receives into one direct buffer and queues an exact-size copy, so
 * the queue holds what arrived rather than 64 KiB per slot. The kernel receive buffer is enlarged to absorb bursts.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread; it stops both threads and closes the socket.
 */
public final class UdpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);
    /** Larger than any datagram DogStatsD clients send over UDP (they default to 1432 or 8192 bytes). */
    static final int MAX_DATAGRAM = 65_535;

    /** Receives each datagram; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface Consumer {
        void accept(ByteBuffer datagram);
    }

    private final DatagramChannel channel;
    private final BlockingQueue<byte[]> queue;
    private final Consumer consumer;
    private final CounterDataPoint packets;
    private final CounterDataPoint dropped;
    private final CounterDataPoint bytes;
    private final Thread reader;
    private final Thread worker;
    private volatile boolean running = true;

    private UdpListener(DatagramChannel channel, int queueCapacity, Consumer consumer, String name,
                        UdpMetrics metrics) {
        this.channel = channel;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.consumer = consumer;
        this.packets = metrics.packets().labelValues(name);
        this.dropped = metrics.dropped().labelValues(name);
        this.bytes = metrics.bytes().labelValues(name);
        this.reader = Thread.ofPlatform().name("tocsin-" + name + "-reader").daemon().unstarted(this::readLoop);
        this.worker = Thread.ofPlatform().name("tocsin-" + name + "-parser").daemon().unstarted(this::workLoop);
    }

    /**
     * Binds and starts listening.
     *
     * @param name          short listener name for thread names and the {@code listener} metric label
     * @param queueCapacity datagrams that may wait for the parser before new ones are dropped
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static UdpListener start(InetSocketAddress address, String name, int queueCapacity, Consumer consumer,
                                    UdpMetrics metrics) {
        DatagramChannel ch;
        try {
            ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            ch.bind(address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind UDP " + address + ": " + e.getMessage(), e);
        }
        return start(ch, name, queueCapacity, consumer, metrics);
    }

    /** Starts on a channel that is already bound (a Unix datagram socket, say). The listener closes it. */
    public static UdpListener start(DatagramChannel ch, String name, int queueCapacity, Consumer consumer,
                                    UdpMetrics metrics) {
        UdpListener l = new UdpListener(ch, queueCapacity, consumer, name, metrics);
        l.reader.start();
        l.worker.start();
        return l;
    }

    /** The bound address (with the actual port when started on port 0). */
    public java.net.SocketAddress address() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long packetsReceived() {
        return (long) packets.get();
    }

    public long packetsDropped() {
        return (long) dropped.get();
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (running) {
            buf.clear();
            try {
                if (channel.receive(buf) == null) {
                    continue;
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("UDP receive failed", e);
                continue;
            }
            buf.flip();
            byte[] copy = new byte[buf.remaining()];
            buf.get(copy);
            packets.inc();
            bytes.inc(copy.length);
            if (!queue.offer(copy)) {
                dropped.inc();
            }
        }
    }

    private void workLoop() {
        while (running || !queue.isEmpty()) {
            byte[] datagram;
            try {
                datagram = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (datagram == null) {
                continue;
            }
            try {
                consumer.accept(ByteBuffer.wrap(datagram));
            } catch (RuntimeException e) {
                LOG.warn("Datagram handler failed; datagram dropped", e);
            }
        }
    }

    /** Stops receiving, lets the parser finish what is queued (briefly), closes the socket. */
    @Override
    public void close() {
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing UDP channel", e);
        }
        try {
            reader.join(2000);
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
