package dev.nanochat.sae.support.test;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The tokens service tests authenticate with. Every {@code @QuarkusTest} gets them configured (this
 * jar's META-INF/microprofile-config.properties sets {@code sae.api.tokens}) and sends the operator
 * token on every RestAssured request ({@link ApiAuthCallback} calls {@link #install()}), so existing
 * tests keep passing with authentication on. Process-level tests pass {@link #TOKENS} to the started
 * service as {@code SAE_API_TOKENS} and call {@link #install()} themselves. Test-only values.
 */
public final class ApiAuth {
    public static final String OPERATOR_TOKEN = "test-operator-token-6f1c9a2e";
    public static final String READ_TOKEN = "test-read-token-0d7b44c1";
    public static final String TOKENS = "test-operator:operator:" + OPERATOR_TOKEN + ",test-reader:read:" + READ_TOKEN;

    /** A filter, not a request specification: a specification would also pin RestAssured's port. */
    private static final Filter OPERATOR = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", bearer(OPERATOR_TOKEN));
        }
        return context.next(request, response);
    };

    private ApiAuth() {}

    /** Every RestAssured request carries the operator token unless a test sets its own Authorization. */
    public static synchronized void install() {
        if (!RestAssured.filters().contains(OPERATOR)) {
            RestAssured.filters(OPERATOR);
        }
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
