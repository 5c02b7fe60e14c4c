package dev.nanochat.sae.trainer.runtime;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Which failures of a run are worth a retry from its last checkpoint. Transient: the broker or the
 * database was unreachable or slow for a while (Kafka retriable errors, which include its
 * TimeoutException such as "Timeout of 60000ms expired before successfully committing offsets", commit
 * failures, a future that timed out waiting for an ack, SQL connection/transient states, socket errors).
 * Everything else (bad config, a corrupt or missing checkpoint, a bug) is permanent: the run fails.
 * The whole cause chain is examined because Hibernate, Agroal and futures wrap the real cause.
 */
public final class TransientFailures {
    private TransientFailures() {}

    public static boolean isTransient(Throwable failure) {
        return isTransient(failure, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    }

    // Causes and suppressed exceptions both: a failed commit on a closed connection surfaces as an
    // interceptor's "Error invoking subclass method" whose real reason (the PSQLException with SQL state
    // 08003 inside the rollback's XAException) is only a suppressed exception.
    private static boolean isTransient(Throwable t, java.util.Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (isTransientItself(t)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (isTransient(s, seen)) {
                return true;
            }
        }
        return isTransient(t.getCause(), seen);
    }

    private static boolean isTransientItself(Throwable t) {
        if (t instanceof RetriableException
                || t instanceof CommitFailedException
                || t instanceof org.apache.kafka.common.errors.TimeoutException
                || t instanceof java.util.concurrent.TimeoutException
                || t instanceof SQLTransientException
                || t instanceof SQLRecoverableException
                || t instanceof ConnectException
                || t instanceof SocketTimeoutException
                || t instanceof SocketException) {
            return true;
        }
        if (t instanceof SQLException sql && transientSqlState(sql)) {
            return true;
        }
        // Hibernate's JDBCConnectionException / Agroal's pool exhaustion, by name: no hard dependency.
        String name = t.getClass().getName();
        String message = String.valueOf(t.getMessage());
        return name.endsWith("JDBCConnectionException")
                || name.endsWith("LockTimeoutException")
                || (t instanceof SQLException && message.contains("Acquisition timeout"))
                || (t instanceof javax.transaction.xa.XAException && message.contains("connection has been closed"));
    }

    /**
     * 08xxx connection exceptions, 57P01..57P03 (server shut down / starting up), 53xxx insufficient
     * resources, 40001/40P01 (serialization failure, deadlock): the same statement may succeed later.
     */
    private static boolean transientSqlState(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08")
                || state.startsWith("53")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03")
                || state.equals("40001")
                || state.equals("40P01");
    }

    /** A one-line description for the run's status (class + message of the innermost cause). */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure
                ? outer
                : outer + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
