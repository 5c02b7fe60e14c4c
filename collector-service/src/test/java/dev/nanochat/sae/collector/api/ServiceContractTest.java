package dev.nanochat.sae.collector.api;

import dev.nanochat.sae.support.contract.ServiceContract;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics, OpenAPI and the shared problem+json mapping, as every service serves them. */
@QuarkusTest
class ServiceContractTest extends ServiceContract {}
