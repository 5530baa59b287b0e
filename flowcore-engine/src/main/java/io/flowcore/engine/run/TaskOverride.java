package io.flowcore.engine.run;

import io.flowcore.api.TaskOptions;
import java.util.function.UnaryOperator;

/**
 * Options set in code for one task method, applied over its annotation's values.
 *
 * @param flowClass the class declaring the task
 * @param method    the task method's name
 * @param change    gets the annotation's options, returns the ones to use
 */
public record TaskOverride(Class<?> flowClass, String method, UnaryOperator<TaskOptions> change) {
}
