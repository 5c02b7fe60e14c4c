package dev.nanochat.sae.neuronpedia.persistence;

import dev.nanochat.sae.neuronpedia.api.UploadProgress;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@link UploadProgress} in PostgreSQL: every mark commits in its own transaction before the
 * uploader moves on, so a killed service resumes from exactly what was recorded.
 */
public final class PgUploadProgress implements UploadProgress {
    private final String target;

    public PgUploadProgress(String target) {
        this.target = target;
    }

    @Override
    public Optional<Step> step(String key) {
        return QuarkusTransaction.requiringNew()
                .call(() -> UploadStep.<UploadStep>find("target = ?1 and stepKey = ?2", target, key)
                        .firstResultOptional()
                        .map(s -> new Step(State.valueOf(s.state), s.digest)));
    }

    @Override
    public void mark(String key, State state, String digest) {
        QuarkusTransaction.requiringNew().run(() -> {
            UploadStep s = UploadStep.<UploadStep>find("target = ?1 and stepKey = ?2", target, key)
                    .firstResultOptional()
                    .orElseGet(() -> {
                        UploadStep n = new UploadStep();
                        n.target = target;
                        n.stepKey = key;
                        return n;
                    });
            s.state = state.name();
            s.digest = digest;
            s.updatedAt = OffsetDateTime.now();
            s.persist();
        });
    }
}
