package io.flowcore.api.block;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Optional metadata of a {@link Block} type: its slug (default: from the class name) and a description. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BlockType {

    /** The stable slug; empty means "derive it from the class name" ({@code GcsBucket} → {@code gcs-bucket}). */
    String slug() default "";

    /** One line saying what the block configures. */
    String description() default "";
}
