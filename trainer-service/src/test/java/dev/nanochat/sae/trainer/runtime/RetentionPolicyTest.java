package dev.nanochat.sae.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanochat.sae.trainer.runtime.RetentionPolicy.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final List<Candidate> RUN = List.of(
            new Candidate(1, 100, false, 0.9),
            new Candidate(2, 200, false, 0.2),
            new Candidate(3, 300, false, 0.5),
            new Candidate(4, 400, true, 0.6),
            new Candidate(5, 500, false, 0.7),
            new Candidate(6, 600, false, null));

    @Test
    void keeps_the_last_n_the_best_and_every_final_one() {
        // last 2 = 5, 6; best loss = 2 (0.2); final = 4; deleted: 1, 3, oldest first.
        assertEquals(List.of(1L, 3L), new RetentionPolicy(2, true).toDelete(RUN));
        assertEquals(List.of(1L, 2L, 3L), new RetentionPolicy(2, false).toDelete(RUN));
    }

    @Test
    void disabled_or_large_n_keeps_everything() {
        assertEquals(List.of(), new RetentionPolicy(0, true).toDelete(RUN));
        assertEquals(List.of(), new RetentionPolicy(10, false).toDelete(RUN));
    }

    @Test
    void ordering_is_by_tokens_not_by_row_id() {
        // A re-checkpoint after a retry can give an older token count a newer id.
        List<Candidate> shuffled = List.of(
                new Candidate(9, 100, false, null),
                new Candidate(7, 300, false, null),
                new Candidate(8, 200, false, null));
        assertEquals(List.of(9L), new RetentionPolicy(2, true).toDelete(shuffled));
    }
}
