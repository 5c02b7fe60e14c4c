package dev.nanochat.sae.trainer.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;

/** This process's name as an owner of runs: configured, else host name + pid. */
@ApplicationScoped
public class InstanceId {
    private final String value;

    InstanceId(TrainerConfig config) {
        this.value = config.instanceId().filter(s -> !s.isBlank()).orElseGet(InstanceId::hostAndPid);
    }

    public String value() {
        return value;
    }

    private static String hostAndPid() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
