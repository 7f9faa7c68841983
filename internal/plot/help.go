package plot

// Summary is kafkaplot plot's help: what it draws and where from.
const Summary = `kafkaplot plot: draw every record of a time range of the topic, read outside any consumer
group, into a picture: one pane per partition, each series a line in the dashboard's colours,
a legend with last, min and max. Older values are folded into time buckets that keep their
extremes, so a spike is never lost. The file's extension names the format: .png, .svg or .pdf.`
