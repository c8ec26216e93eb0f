package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code docs/benchmarks.md} from one run's typed results: the raw ceilings, each service
 * alone, the whole pipeline, start-up. Every figure with a target says whether it met it;
 * throughput figures stand next to the ceiling of the same run and their ratio to it.
 */
final class Report {

	static final String ANALYSIS_MARKER = "<!-- analysis: kept by the benchmark when it rewrites the table -->";

	private final StringBuilder md = new StringBuilder();

	/**
	 * One line of a figures table.
	 *
	 * @param figure what was measured
	 * @param measured the figure
	 * @param ceiling the raw ceiling it is read against, or empty
	 * @param ratio measured over ceiling, or empty
	 * @param target the target, or empty
	 * @param met whether the target holds ({@code null}: no target)
	 */
	record Row(String figure, String measured, String ceiling, String ratio, String target, Boolean met) {

		static Row of(String figure, String measured) {
			return new Row(figure, measured, "", "", "", null);
		}

		Row against(String ceiling, double ratio) {
			return new Row(this.figure, this.measured, ceiling, percent(ratio), this.target, this.met);
		}

		Row target(String target, boolean met) {
			return new Row(this.figure, this.measured, this.ceiling, this.ratio, target, met);
		}

	}

	static String write(Path out, Machine machine, Duration phase, Ceilings ceilings, ApiAlone api, WorkerAlone worker,
			WholePipeline whole, Map<String, Long> rssAfterLoad, List<StartTimes> starts) throws IOException {
		Report report = new Report();
		report.head(machine, phase);
		report.ceilings(ceilings);
		report.section("Each service alone",
				"The API with the worker stopped, measured once warm: it runs under load in rounds of 5 s, for at "
						+ "least 90 s at the first connection count, until two rounds in a row gain less than 5% on the "
						+ "best. Then the worker with the API idle: it drains a queue "
						+ "filled while it was stopped (its warm-up), then a second one, which is measured. CPU is "
						+ "each process's own user + system time from `/proc`, per message it handled; AWS requests "
						+ "are its SDK interceptor's counter (`aws.requests`).",
				report.alone(ceilings, api, worker, rssAfterLoad));
		report.section("Whole pipeline",
				"Both services running, clients posting open-loop at half the API's best rate alone, capped at "
						+ "70% of the worker's drain rate alone; every 202's key "
						+ "is matched to its object appearing in the bucket's folder.",
				report.whole(whole));
		report.section("Start-up", "Launch to `GET /health` 200, median of the runs.", report.starts(starts));
		String text = report.md.toString();
		if (Files.exists(out)) {
			String previous = Files.readString(out);
			int marker = previous.indexOf(ANALYSIS_MARKER);
			if (marker >= 0) {
				text = text + "\n" + previous.substring(marker);
			}
		}
		Files.writeString(out, text);
		return text;
	}

	private void head(Machine machine, Duration phase) {
		this.md.append("# Benchmarks\n\n")
			.append("One run of `tools/benchmark.sh` on ")
			.append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
			.append(": ")
			.append(machine)
			.append(". Each closed-loop phase runs ")
			.append(phase.toSeconds())
			.append(" s.\n\n")
			.append("Everything runs on this one machine: the emulators (ElasticMQ, s3proxy on disk, the SSM stub) and ")
			.append("the load generator (Java clients, HTTP/1.1 keep-alive) in the benchmark's JVM, the API and the ")
			.append("worker as their own processes (`java -jar`, each sized as a 512 MiB task). All share the same ")
			.append("cores, so a figure means something only next to the ceiling measured in the same run.\n\n");
	}

	private void ceilings(Ceilings ceilings) {
		this.md.append("## Raw ceilings (same run)\n\n")
			.append("The SDK calls the services make, from plain threads with nothing around them.\n\n")
			.append("| operation | threads | messages/s | p50 | p99 |\n|---|---|---|---|---|\n");
		ceilingRows("SQS `SendMessage`", ceilings.send());
		ceilingRows("SQS `SendMessageBatch` (10)", ceilings.sendBatch());
		ceilingRows("SQS `ReceiveMessage` (10) + `DeleteMessageBatch`", ceilings.receiveDelete());
		ceilingRows("S3 `PutObject` (`If-None-Match: *`)", ceilings.put());
		this.md.append('\n');
	}

	private void ceilingRows(String operation, Map<Integer, Load.Result> results) {
		results.forEach((threads, result) -> this.md.append("| ")
			.append(operation)
			.append(" | ")
			.append(threads)
			.append(" | ")
			.append(rate(result.rate()))
			.append(" | ")
			.append(ms(result.percentileMillis(50)))
			.append(" | ")
			.append(ms(result.percentileMillis(99)))
			.append(" |\n"));
	}

	private List<Row> alone(Ceilings ceilings, ApiAlone api, WorkerAlone worker, Map<String, Long> rss) {
		List<Row> rows = new ArrayList<>();
		for (ApiAlone.Run run : api.closed()) {
			Load.Result send = ceilings.send().get(run.connections());
			Row row = Row
				.of("API, " + run.connections() + " connections (closed loop)",
						rate(run.load().rate()) + " req/s; p50 " + ms(run.load().percentileMillis(50)) + ", p99 "
								+ ms(run.load().percentileMillis(99)) + "; " + run.load().failures() + " errors")
				.against("`SendMessage`, " + run.connections() + " threads: " + rate(send.rate()),
						run.load().rate() / send.rate());
			double ratio = run.load().rate() / send.rate();
			rows.add((run.connections() <= 16) ? row.target("≥ 80%", ratio >= 0.8)
					: row.target("> 100% (batching passes single sends)", ratio > 1));
		}
		ApiAlone.Run half = api.halfLoad();
		Load.Result send16 = ceilings.send().values().iterator().next();
		rows.add(Row
			.of(String.format("API at half its best rate, %s req/s (open loop)", rate(half.load().rate())),
					"p50 " + ms(half.load().percentileMillis(50)) + ", p99 " + ms(half.load().percentileMillis(99))
							+ "; " + half.load().failures() + " errors")
			.against("`SendMessage` p99: " + ms(send16.percentileMillis(99)),
					half.load().percentileMillis(99) / send16.percentileMillis(99))
			.target("p99 ≤ 10 ms", half.load().percentileMillis(99) <= 10));
		for (ApiAlone.Run run : api.closed()) {
			rows.add(Row
				.of("API CPU per accepted request, " + run.connections() + " connections",
						String.format("%.3f ms", run.cpuMillisPerRequest()))
				.target("≤ 0.2 ms", run.cpuMillisPerRequest() <= 0.2));
		}
		rows.add(Row.of("API CPU per accepted request, half load", String.format("%.3f ms", half.cpuMillisPerRequest()))
			.target("≤ 0.2 ms", half.cpuMillisPerRequest() <= 0.2));
		ApiAlone.Run best = api.best();
		rows.add(Row.of("API AWS requests per accepted message, " + best.connections() + " connections",
				String.format("%.3f", best.awsRequestsPerMessage())));
		rows.add(Row.of("API AWS requests per accepted message, half load",
				String.format("%.3f", half.awsRequestsPerMessage())));
		double put = Ceilings.best(ceilings.put());
		rows.add(Row
			.of("Worker drain of " + String.format("%,d", worker.messages()) + " queued messages",
					rate(worker.rate()) + " msg/s")
			.against("`PutObject`, best: " + rate(put), worker.rate() / put)
			.target("≥ 80%", worker.rate() >= 0.8 * put));
		double receive = Ceilings.best(ceilings.receiveDelete());
		rows.add(Row.of("Worker drain, against the queue's side", rate(worker.rate()) + " msg/s")
			.against("receive + delete, best: " + rate(receive), worker.rate() / receive));
		rows.add(Row.of("Worker CPU per message", String.format("%.3f ms", worker.cpuMillisPerMessage()))
			.target("≤ 0.5 ms", worker.cpuMillisPerMessage() <= 0.5));
		rows.add(Row.of("Worker AWS requests per message", String.format("%.3f", worker.awsRequestsPerMessage())));
		rows.add(Row.of("Worker launch to healthy / to first object stored (fat jar)",
				worker.toHealthy().toMillis() + " ms / " + worker.toFirstObject().toMillis() + " ms"));
		rss.forEach(
				(service, mebibytes) -> rows.add(Row.of("RSS of the " + service + " after its load", mebibytes + " MiB")
					.target("≤ 256 MiB", mebibytes <= 256)));
		return rows;
	}

	private List<Row> whole(WholePipeline whole) {
		List<Row> rows = new ArrayList<>();
		rows.add(Row
			.of(String.format("POST to 202 at %s req/s", rate(whole.rate())),
					"p50 " + ms(whole.post().percentileMillis(50)) + ", p99 " + ms(whole.post().percentileMillis(99))
							+ "; " + whole.post().failures() + " errors")
			.target("p99 ≤ 10 ms", whole.post().percentileMillis(99) <= 10));
		rows.add(Row.of("POST to object visible",
				"p50 " + ms(Load.percentile(whole.endToEnd(), 50) / 1e6) + ", p99 "
						+ ms(Load.percentile(whole.endToEnd(), 99) / 1e6) + "; " + whole.stored() + " of "
						+ whole.sent() + " stored"));
		rows.add(Row.of("AWS requests per message, both services", String.format("%.3f", whole.awsRequestsPerMessage()))
			.target("≤ 1.3", whole.awsRequestsPerMessage() <= 1.3));
		rows.add(Row.of("CPU per message, both services", String.format("%.3f ms", whole.cpuMillisPerMessage())));
		return rows;
	}

	private List<Row> starts(List<StartTimes> starts) {
		List<Row> rows = new ArrayList<>();
		for (StartTimes start : starts) {
			Duration fat = StartTimes.median(start.fatJar());
			Duration cached = StartTimes.median(start.cached());
			rows.add(Row.of(start.service() + ", fat jar",
					fat.toMillis() + " ms (runs " + millis(start.fatJar()) + ")"));
			rows.add(startRow(start.service() + ", extracted + " + start.cache(), start.cached(), fat,
					start.springAot().isEmpty()));
			if (!start.springAot().isEmpty()) {
				rows.add(startRow(start.service() + ", extracted + " + start.cache() + " + Spring AOT (as the images)",
						start.springAot(), fat, true));
			}
		}
		return rows;
	}

	/**
	 * A fast start against the fat jar; the target applies to the way the images start.
	 */
	private Row startRow(String figure, List<Duration> runs, Duration fat, boolean asTheImages) {
		Duration median = StartTimes.median(runs);
		double ratio = (double) median.toMillis() / fat.toMillis();
		String measured = median.toMillis() + " ms (runs " + millis(runs) + ")";
		if (!asTheImages) {
			return new Row(figure, measured, "the fat jar", percent(ratio), "", null);
		}
		return new Row(figure, measured, "the fat jar", percent(ratio), "≤ 40%; < 1.5 s",
				ratio <= 0.4 && median.toMillis() < 1500);
	}

	private void section(String title, String intro, List<Row> rows) {
		this.md.append("## ")
			.append(title)
			.append("\n\n")
			.append(intro)
			.append("\n\n| figure | measured | raw ceiling, same run | ratio | target | met |\n|---|---|---|---|---|---|\n");
		for (Row row : rows) {
			this.md.append("| ")
				.append(row.figure())
				.append(" | ")
				.append(row.measured())
				.append(" | ")
				.append(row.ceiling())
				.append(" | ")
				.append(row.ratio())
				.append(" | ")
				.append(row.target())
				.append(" | ")
				.append((row.met() == null) ? "" : row.met() ? "yes" : "**no**")
				.append(" |\n");
		}
		this.md.append('\n');
	}

	private static String millis(List<Duration> runs) {
		return String.join(", ", runs.stream().map((run) -> Long.toString(run.toMillis())).toList());
	}

	static String rate(double rate) {
		return String.format("%,.0f", rate);
	}

	static String ms(double millis) {
		return String.format("%.1f ms", millis);
	}

	static String percent(double ratio) {
		return String.format("%.0f%%", ratio * 100);
	}

}
