"""The pipeline, the top floor: the build (sources and accepted contributions -> layers -> store -> release),
publishing (the build, its release and the PostGIS load when a database is set) and the one command line,
`border-atlas` (pipeline.cli). It drives the floors below it and nothing below imports it."""
