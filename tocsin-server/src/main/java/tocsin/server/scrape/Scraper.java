package tocsin.server.scrape;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.promtext.ExpositionParser;
import tocsin.server.config.ScrapeConfig;
import tocsin.server.intake.MetricIntake;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Pulls Prometheus exposition-format targets on their intervals and stores what they serve, as Prometheus does:
 * every series gets {@code job:<job>} and {@code instance:<host:port>} plus the job's static labels, and each scrape
 * also records {@code up} (1 or 0), {@code scrape_duration_seconds} and {@code scrape_samples_scraped} for the target.
 *
 * <p>Design note. One scheduler thread only starts scrapes; each scrape runs on its own virtual thread, so a slow
 * target delays nobody else. Start times are spread over the interval by a hash of the target, so a hundred targets
 * do not all fire at once. A scrape that outlives its timeout is abandoned and counted as down. A target going down
 * or coming back is logged once per change, not once per scrape. Thread-safe.
 */
public final class Scraper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);
    private static final long MAX_BODY = 64L << 20;

    private final MetricIntake intake;
    private final InstantSource clock;
    private final ExpositionParser parser = new ExpositionParser(IngestLimits.prometheus());
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Boolean> lastUp = new ConcurrentHashMap<>();
    private final Counter scrapes;

    public Scraper(List<ScrapeConfig> jobs, MetricIntake intake, InstantSource clock, PrometheusRegistry registry) {
        this.intake = intake;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tocsin-scrape-scheduler").daemon().factory());
        this.scrapes = Counter.builder().name("tocsin_scrapes_total").help("Scrapes of Prometheus targets, by job and outcome")
                .labelNames("job", "outcome").register(registry);
        for (ScrapeConfig job : jobs) {
            for (String target : job.targets()) {
                long interval = job.interval().toMillis();
                long offset = Math.floorMod((job.job() + "/" + target).hashCode(), interval);
                scheduler.scheduleAtFixedRate(() -> Thread.ofVirtual().name("tocsin-scrape-" + job.job())
                        .start(() -> scrape(job, target)), offset, interval, TimeUnit.MILLISECONDS);
            }
        }
    }

    void scrape(ScrapeConfig job, String target) {
        long start = clock.millis();
        long t0 = System.nanoTime();
        List<String> targetTags = new ArrayList<>();
        targetTags.add("job:" + job.job());
        targetTags.add("instance:" + target);
        job.labels().forEach((k, v) -> targetTags.add(k + ":" + v));
        int samples = 0;
        boolean up;
        try {
            byte[] body = fetch(job, target);
            IngestResult parsed = parser.parse(body, targetTags, job::keeps, start);
            samples = parsed.acceptedPoints();
            MetricIntake.Outcome outcome = intake.store("prometheus_scrape", parsed);
            if (outcome.rejected() > 0) {
                LOG.debug("Scrape of {} {}: {} samples refused, e.g. {}", job.job(), target, outcome.rejected(),
                        outcome.messages().get(0));
            }
            up = true;
        } catch (IOException | RuntimeException e) {
            up = false;
            if (!Boolean.FALSE.equals(lastUp.get(job.job() + "/" + target))) {
                LOG.warn("Scrape of {} target {} failed: {}", job.job(), target, describe(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (up && Boolean.FALSE.equals(lastUp.get(job.job() + "/" + target))) {
            LOG.info("Scrape target {} of {} is up again", target, job.job());
        }
        lastUp.put(job.job() + "/" + target, up);
        scrapes.labelValues(job.job(), up ? "up" : "down").inc();
        MetricBatch meta = new MetricBatch(3);
        meta.add(SeriesKey.of("up", targetTags), MetricKind.GAUGE, start, up ? 1 : 0);
        meta.add(SeriesKey.of("scrape_duration_seconds", targetTags), MetricKind.GAUGE, start,
                (System.nanoTime() - t0) / 1e9);
        meta.add(SeriesKey.of("scrape_samples_scraped", targetTags), MetricKind.GAUGE, start, samples);
        try {
            intake.store("prometheus_scrape", new IngestResult(meta, List.of()));
        } catch (RuntimeException e) {
            LOG.debug("Could not store scrape health of {}", target, e);
        }
    }

    private byte[] fetch(ScrapeConfig job, String target) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(job.scheme() + "://" + target + job.path()))
                .timeout(job.timeout())
                .header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "Tocsin")
                .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(job.timeout().toMillis() / 1000.0))
                .GET().build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream raw = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode());
            }
            InputStream in = r.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase).isPresent()
                    ? new GZIPInputStream(raw) : raw;
            byte[] body = in.readNBytes((int) MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("body larger than " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.close();
    }
}
