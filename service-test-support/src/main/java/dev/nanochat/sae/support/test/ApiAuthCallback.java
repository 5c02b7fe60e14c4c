package dev.nanochat.sae.support.test;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/** Registered through META-INF/services: before each @QuarkusTest method, send the test token. */
public class ApiAuthCallback implements QuarkusTestBeforeEachCallback {
    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        ApiAuth.install();
    }
}
