"""quality: Great Expectations suites over the marts, and the runner that turns failures into findings."""
