"""Charts drawn as SVG on the server: the shared time axis, the cost chart and the timeline."""
