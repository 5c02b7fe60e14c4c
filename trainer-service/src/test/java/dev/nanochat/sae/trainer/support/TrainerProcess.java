package dev.nanochat.sae.trainer.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real trainer-service process (target/quarkus-app/quarkus-run.jar) for multi-instance tests. */
public final class TrainerProcess implements AutoCloseable {
    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private TrainerProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static TrainerProcess start(String name, int port, Map<String, String> env, Path logDir) throws IOException {
        Path jar = Path.of(System.getProperty("trainer.jar", "target/quarkus-app/quarkus-run.jar"));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx768m", "-Dai.djl.offline=true", "-jar", jar.toString());
        pb.environment().putAll(env);
        pb.environment().put("SAE_API_TOKENS", dev.nanochat.sae.support.test.ApiAuth.TOKENS);
        dev.nanochat.sae.support.test.ApiAuth.install();
        pb.environment().put("HTTP_PORT", Integer.toString(port));
        pb.environment().put("SAE_INSTANCE_ID", name);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new TrainerProcess(name, port, pb.start(), log);
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Waits until /q/health/ready says UP (joined the trainer group, database and Kafka reachable). */
    public void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early:\n" + log());
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + log());
    }

    /** SIGKILL: no shutdown hooks, no leaving the group, no final checkpoint. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
