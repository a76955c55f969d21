"""The request engine: routing, validation, the pipeline that runs behaviours."""
