package dev.nanochat.sae.support.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
    private static final String OPS = "ops-0123456789abcdef";
    private static final String VIEW = "view-0123456789abcdef";

    @Test
    void rolesByToken() {
        ApiTokens t = ApiTokens.parse(" alice:operator:" + OPS + " , bob:read:" + VIEW);
        assertEquals(Set.of("read", "operator"), t.lookup(OPS).orElseThrow().roles());
        assertEquals("alice", t.lookup(OPS).orElseThrow().name());
        assertEquals(Set.of("read"), t.lookup(VIEW).orElseThrow().roles());
        assertTrue(t.lookup("nope-0123456789abcdef").isEmpty());
        assertTrue(t.lookup(OPS.substring(0, 10)).isEmpty(), "a prefix is not the token");
        assertTrue(t.lookup(null).isEmpty());
    }

    @Test
    void toStringAndErrorsNeverShowATokenValue() {
        ApiTokens t = ApiTokens.parse("alice:operator:" + OPS);
        assertEquals("[alice(operator)]", t.toString());
        for (String bad : new String[] {
            "alice:admin:" + OPS, "alice:read:short-token", "alice:" + OPS, "alice:read:" + OPS + ",bob:read:" + OPS
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.parse(bad));
            assertFalse(e.getMessage().contains(OPS) || e.getMessage().contains("short-token"), e.getMessage());
            assertTrue(e.getMessage().startsWith("SAE_API_TOKENS entry "), e.getMessage());
        }
    }

    @Test
    void emptyMeansNobody() {
        assertTrue(ApiTokens.parse("").isEmpty());
        assertTrue(ApiTokens.parse(null).lookup(OPS).isEmpty());
    }
}
