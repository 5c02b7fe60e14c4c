package dev.nanochat.sae.trainer.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker this test owns (the launcher's deploy/local/kafka/kafka.sh in a temporary SAE_HOME,
 * free ports), so it can be stopped and started again mid-run without touching the shared test broker.
 * The data directory survives a stop: a restart is the same cluster, as after a broker outage. Broker
 * jars are taken from the developer's SAE_HOME when it has them, else fetched by the script.
 */
public final class OwnBroker implements AutoCloseable {
    private final Path home;
    private final int port;
    private final int controllerPort;

    public OwnBroker() throws IOException {
        this.home = Files.createTempDirectory("own-broker-");
        this.port = freePort();
        this.controllerPort = freePort();
        String shared = System.getenv("SAE_HOME");
        if (shared != null && Files.exists(Path.of(shared, "kafka", "libs", ".complete"))) {
            Files.createDirectories(home.resolve("kafka"));
            Files.createSymbolicLink(
                    home.resolve("kafka").resolve("libs"),
                    Path.of(shared, "kafka", "libs").toAbsolutePath());
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public void start() throws Exception {
        script("start");
    }

    public void stop() throws Exception {
        script("stop");
    }

    private void script(String command) throws Exception {
        Path script = Path.of(System.getProperty("kafka.script", "../deploy/local/kafka/kafka.sh"));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("script.log").toFile()));
        pb.environment()
                .putAll(Map.of(
                        "SAE_HOME",
                        home.toString(),
                        "SAE_KAFKA_PORT",
                        Integer.toString(port),
                        "SAE_KAFKA_CONTROLLER_PORT",
                        Integer.toString(controllerPort)));
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(
                    "kafka.sh " + command + " failed (" + rc + "):\n" + Files.readString(home.resolve("script.log")));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
