package dev.nanochat.sae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelLocatorTest {
    private final ModelLocator locator = new ModelLocator(List.of(Path.of("no-such-root"), FixtureModel.baseDir()));

    @Test
    void finds_the_fixture_by_its_model_id_in_any_root() {
        ModelLocator.Located found = locator.locate("d2-000600");
        assertTrue(found.found(), found.reason());
        assertEquals(600, found.ref().step());
        assertEquals("d2", found.ref().tag());
    }

    @Test
    void misses_are_results_with_reasons() {
        ModelLocator.Located wrongStep = locator.locate("d2-000601");
        assertFalse(wrongStep.found());
        assertTrue(wrongStep.reason().startsWith("model d2-000601 not found under model roots"), wrongStep.reason());
        for (String hostile : List.of("../../etc-000600", "d2/../x-000600", "..-000600", "", "d2")) {
            ModelLocator.Located r = locator.locate(hostile);
            assertFalse(r.found(), hostile);
        }
        assertEquals(
                "model id '../../etc-000600' is not of the form [source-]tag-step",
                locator.locate("../../etc-000600").reason());
    }
}
