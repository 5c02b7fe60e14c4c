package dev.nanochat.sae.support.security;

import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Turns a bearer token into an identity with the roles {@link ApiTokens} gives it. */
@Startup
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
    private static final Logger LOG = Logger.getLogger(ApiTokenIdentityProvider.class);

    // Optional: SmallRye treats an empty default as missing, and no tokens must start (refusing /api), not fail.
    @ConfigProperty(name = "sae.api.tokens")
    java.util.Optional<String> spec;

    private ApiTokens tokens;

    @PostConstruct
    void init() {
        tokens = ApiTokens.parse(spec.orElse(""));
        if (tokens.isEmpty()) {
            LOG.warn("no API tokens configured (SAE_API_TOKENS): every /api request is refused with 401");
        } else {
            LOG.infof("API tokens for %s", tokens); // names and roles only
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.lookup(request.getToken().getToken())
                .<Uni<SecurityIdentity>>map(c -> Uni.createFrom()
                        .item(QuarkusSecurityIdentity.builder()
                                .setPrincipal(new QuarkusPrincipal(c.name()))
                                .addRoles(c.roles())
                                .addCredential(request.getToken())
                                .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API token")));
    }
}
