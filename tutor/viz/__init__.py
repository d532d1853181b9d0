"""Pure rendering: text and numpy arrays to Rich renderables. No Textual app.

Graphics for the live demos are functions of arrays, a size and a `Display`
(display.py), returning `list[Text]`: exactly `height` lines of exactly
`width` cells (heatmap and image grid: lines of one width, sized by their
data). Each is tested as text through `.plain`:

    linechart.line_chart    series on braille dots, axes, log-y, marker, NaN gaps
    heatmap.heatmap         matrix in half blocks or shades, labels, one row marked
    boundary.decision_boundary  class regions of a 2-D model with its points
    bars.bars               horizontal bars with values (softmax, sums)
    network.network_diagram nodes by layer, edges by weight sign and size
    images.image_grid       small images side by side, a highlighted window

`tutor.ui.widgets.lines_view.LinesView` shows such lines in the app and
repaints only the rows that changed.
"""
