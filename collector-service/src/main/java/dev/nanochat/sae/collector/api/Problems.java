package dev.nanochat.sae.collector.api;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem+json bodies. */
final class Problems {
    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    static Response response(int status, String title, String detail, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }
}
