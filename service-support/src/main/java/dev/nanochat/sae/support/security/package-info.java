/**
 * Reserved for authentication shared by every service (an HTTP filter or Quarkus security identity
 * provider, and the Kafka SASL/TLS settings, which {@link dev.nanochat.sae.support.kafka.KafkaClientProperties}
 * already passes through from {@code kafka.*}). Status mapping: 401/403 responses use the same
 * problem+json body ({@link dev.nanochat.sae.support.problem.ProblemMapper#body}); throw
 * {@code new ProblemException(401, ...)} / {@code (403, ...)} or let the security extension's mappers answer.
 */
package dev.nanochat.sae.support.security;
