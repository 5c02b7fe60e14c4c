package dev.nanochat.sae.collector.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged collector ({@code target/quarkus-app/quarkus-run.jar}, the failsafe property
 * {@code collector.jar}) as a child process on its own free port, with the given database and
 * roots; its output goes to a log file under {@code target/it-logs}.
 */
public final class CollectorProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    public CollectorProcess(String name, String jdbcUrl, ScratchModel roots) {
        Path jar = Path.of(System.getProperty("collector.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn verify` (the IT needs the packaged app)");
        }
        try {
            port = freePort();
            log = Files.createDirectories(Path.of("target/it-logs")).resolve(name + ".log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g",
                    "--add-modules",
                    "jdk.incubator.vector",
                    "-Dai.djl.offline=true",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                    "-Dkafka.bootstrap.servers=" + TopicReader.BOOTSTRAP,
                    "-Dsae.collector.model-roots=" + roots.modelRoot(),
                    "-Dsae.collector.data-roots=" + roots.dataRoot(),
                    "-jar",
                    jar.toString()));
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("SAE_API_TOKENS", dev.nanochat.sae.support.test.ApiAuth.TOKENS);
            dev.nanochat.sae.support.test.ApiAuth.install();
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits for /q/health/ready (Kafka, database, model roots) to answer 200. */
    public CollectorProcess awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUri() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "collector exited with " + process.exitValue() + "; log:\n" + logText());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("collector not ready after " + timeout + "; log:\n" + logText());
    }

    /** SIGKILL: no shutdown hooks, no final progress write — what a crash or OOM kill leaves behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
