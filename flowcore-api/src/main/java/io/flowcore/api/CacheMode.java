package io.flowcore.api;

/** What a task's cache key is made of. The task's identity (class and method) is always part of it. */
public enum CacheMode {
    /** No caching. */
    NONE,
    /** The task's inputs: the same arguments reuse the persisted result. */
    INPUTS,
    /** The task's inputs and its code version (a hash of the declaring class's bytecode). */
    INPUTS_AND_SOURCE
}
