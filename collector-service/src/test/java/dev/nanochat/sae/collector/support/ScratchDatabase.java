package dev.nanochat.sae.collector.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away PostgreSQL database beside the shared one ({@code SAE_DB_URL}, default database
 * {@code test}), for tests that start the packaged collector: its StartupResumer resumes every
 * unfinished row it finds, so pointing it at the shared {@code collector} schema would also resume
 * rows left by {@code @QuarkusTest} runs. Needs CREATEDB (the local trust user {@code postgres} has it).
 */
public final class ScratchDatabase implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");

    private final String adminUrl;
    private final String name;
    private final String url;

    public ScratchDatabase() {
        adminUrl = env("SAE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        Matcher m = URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalStateException("SAE_DB_URL is not a jdbc:postgresql://host/db URL: " + adminUrl);
        }
        name = "collector_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        url = m.group(1) + name + m.group(3);
        execute("CREATE DATABASE " + name);
    }

    /** JDBC URL of the scratch database (same server and parameters as SAE_DB_URL). */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, env("SAE_DB_USER", "postgres"), env("SAE_DB_PASSWORD", ""));
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(
                        adminUrl, env("SAE_DB_USER", "postgres"), env("SAE_DB_PASSWORD", ""));
                var s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + adminUrl + " failed: " + e.getMessage(), e);
        }
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
