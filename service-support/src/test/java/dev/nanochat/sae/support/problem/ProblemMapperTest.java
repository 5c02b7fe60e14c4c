package dev.nanochat.sae.support.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {
    @Test
    void each_exception_kind_has_one_status() {
        assertEquals(400, ProblemStatus.of(new IllegalArgumentException("x")));
        assertEquals(400, ProblemStatus.of(new NumberFormatException("x")));
        assertEquals(400, ProblemStatus.of(new BadRequestException("x")));
        assertEquals(404, ProblemStatus.of(new NotFoundException("x")));
        assertEquals(404, ProblemStatus.of(new NoSuchElementException("x")));
        assertEquals(409, ProblemStatus.of(ProblemException.conflict("x")));
        assertEquals(503, ProblemStatus.of(new RejectedExecutionException("x")));
        assertEquals(500, ProblemStatus.of(new IllegalStateException("x")));
        assertEquals(500, ProblemStatus.of(new NullPointerException()));
    }

    @Test
    void body_has_type_title_status_detail_in_that_order_and_field_only_when_named() {
        Map<String, Object> body = ProblemMapper.body(ProblemException.badRequest("hooks[0]", "no hook 'x'"), 400);
        assertEquals(List.of("type", "title", "status", "detail", "field"), List.copyOf(body.keySet()));
        assertEquals("about:blank", body.get("type"));
        assertEquals("Bad Request", body.get("title"));
        assertEquals(400, body.get("status"));
        assertEquals("no hook 'x'", body.get("detail"));
        assertEquals("hooks[0]", body.get("field"));
        assertFalse(ProblemMapper.body(new IllegalArgumentException("y"), 400).containsKey("field"));
    }

    @Test
    void the_response_is_problem_json_with_the_mapped_status() {
        var response = new ProblemMapper().toResponse(ProblemException.notFound("no run with id 'r1'"));
        assertEquals(404, response.getStatus());
        assertEquals(ProblemMapper.MEDIA_TYPE, response.getMediaType().toString());
        assertEquals(
                Map.of("type", "about:blank", "title", "Not Found", "status", 404, "detail", "no run with id 'r1'"),
                response.getEntity());
    }

    @Test
    void messageless_and_out_of_range_problems_still_say_something() {
        assertEquals(
                "NullPointerException",
                ProblemMapper.body(new NullPointerException(), 500).get("detail"));
        assertEquals(
                "Error", ProblemMapper.body(new IllegalStateException("z"), 599).get("title"));
        try {
            new ProblemException(200, "fine");
        } catch (IllegalArgumentException expected) {
            assertEquals("a problem status is 4xx or 5xx, got 200", expected.getMessage());
            return;
        }
        throw new AssertionError("status 200 accepted");
    }
}
