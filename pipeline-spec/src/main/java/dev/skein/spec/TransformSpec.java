package dev.skein.spec;

/** What a stage does to its input: DuckDB SQL or a Java class. */
public sealed interface TransformSpec permits SqlTransformSpec, JavaTransformSpec {}
