package io.strimzi.crdgenerator.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The API versions a Strimzi model property exists in (e.g. "v1beta2" for fields removed in v1).
 *
 * <p>Why this file: io.strimzi:api's classes carry this runtime annotation, but its type lives in
 * Strimzi's crd-generator, which is not published on Maven Central. Declaring the same type (same name,
 * same member) lets the JVM read the annotations compiled into io.strimzi:api, so StrictSchemas can reject
 * a field that the object's apiVersion no longer has. Member as in Strimzi's source (Apache-2.0).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.FIELD, ElementType.TYPE})
public @interface PresentInVersions {
    String value();
}
