package dev.nanochat.sae.trainer;

import dev.nanochat.sae.support.contract.ServiceContract;
import dev.nanochat.sae.trainer.support.TrainerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics, OpenAPI and the shared problem+json mapping, as every service serves them. */
@QuarkusTest
@QuarkusTestResource(TrainerTestResource.class)
class ServiceContractTest extends ServiceContract {}
