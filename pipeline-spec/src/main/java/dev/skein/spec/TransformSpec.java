package dev.skein.spec;

/** What a stage does to its input. */
public sealed interface TransformSpec permits SqlTransformSpec {}
