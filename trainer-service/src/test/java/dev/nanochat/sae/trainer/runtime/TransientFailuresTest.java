package dev.nanochat.sae.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** The classification that decides between "resume from the last checkpoint" and FAILED. */
class TransientFailuresTest {
    @Test
    void broker_and_database_outages_are_transient_even_when_wrapped() {
        assertTrue(TransientFailures.isTransient(
                new TimeoutException("Timeout of 60000ms expired before successfully committing offsets")));
        assertTrue(TransientFailures.isTransient(new ExecutionException(new NetworkException("down"))));
        assertTrue(TransientFailures.isTransient(new java.util.concurrent.TimeoutException()));
        assertTrue(TransientFailures.isTransient(new CommitFailedException()));
        assertTrue(TransientFailures.isTransient(new RuntimeException("tx", new SQLException("gone", "08006"))));
        assertTrue(TransientFailures.isTransient(new SQLException("terminating connection", "57P01")));
        assertTrue(TransientFailures.isTransient(
                new SQLException("Acquisition timeout while waiting for new connection")));
    }

    @Test
    void a_closed_connection_seen_only_in_a_suppressed_rollback_error_is_transient() {
        // What a killed database session looks like through ArC and Narayana: the interceptor's error,
        // with the rollback's XAException (caused by SQL state 08003) attached as suppressed.
        RuntimeException wrapper = new RuntimeException("Error invoking subclass method");
        var xa = new javax.transaction.xa.XAException("Error trying to transactionRollback local transaction");
        xa.initCause(new SQLException("This connection has been closed.", "08003"));
        wrapper.addSuppressed(xa);
        assertTrue(TransientFailures.isTransient(wrapper));
        RuntimeException permanent = new RuntimeException("Error invoking subclass method");
        permanent.addSuppressed(new IllegalStateException("unrelated"));
        assertFalse(TransientFailures.isTransient(permanent));
    }

    @Test
    void config_data_and_permission_errors_are_permanent() {
        assertFalse(TransientFailures.isTransient(new IllegalArgumentException("d_in must be > 0")));
        assertFalse(TransientFailures.isTransient(new IOException("checkpoint", new NoSuchFileException("x"))));
        assertFalse(TransientFailures.isTransient(new SQLException("syntax", "42601")));
        assertFalse(TransientFailures.isTransient(new TopicAuthorizationException("no")));
        assertFalse(TransientFailures.isTransient(new IllegalStateException("corrupt safetensors header")));
    }
}
