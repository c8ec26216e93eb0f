package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.pipeline.local.LocalPipeline;

/**
 * {@code tools/metrics-cost.sh}: what publishing the application metrics to CloudWatch
 * (embedded metric format lines, {@code INGEST_/PERSIST_METRICS_ENABLED}) costs, in the
 * benchmark's terms: the API's CPU per accepted request at 16 and 64 connections and at
 * half its best rate, and the warm worker's CPU per message, each process's own time from
 * {@code /proc}. Rounds alternate off and on, each a fresh pipeline, so drift on the
 * machine falls on both. Writes {@code docs/metrics-cost.md}.
 */
public final class MetricsCost {

	private static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.seconds", 10));

	private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 180));

	private static final int DRAIN_MESSAGES = Integer.getInteger("bench.drain", 10_000);

	private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

	private MetricsCost() {
	}

	record Round(boolean metrics, ApiAlone api, WorkerAlone worker, long apiLines, long workerLines) {
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
		Machine machine = Machine.current();
		List<Round> rounds = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			// off, on, then on, off: neither mode always runs first.
			for (boolean metrics : (round % 2 == 0) ? List.of(false, true) : List.of(true, false)) {
				rounds.add(measure(root, metrics));
			}
		}
		String report = report(machine, rounds);
		Path out = root.resolve("docs/metrics-cost.md");
		Files.writeString(out, report);
		System.out.println(report);
		Rig.progress("Written to " + out);
	}

	private static Round measure(Path root, boolean metrics) throws Exception {
		Path work = root.resolve("functions/bench/target/metrics-cost-" + UUID.randomUUID());
		Files.createDirectories(work.resolve("logs"));
		String enabled = Boolean.toString(metrics);
		Rig.progress("Metrics " + (metrics ? "on" : "off") + ": starting the local pipeline");
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(root, work.resolve("s3"), "cost-" + UUID.randomUUID(), LocalPipeline.Ports.any())
			.withLogs(work.resolve("logs"))
			.withEnvironment(
					Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn", "INGEST_METRICS_ENABLED", enabled,
							"INGEST_METRICS_NAMESPACE", "ingest-pipeline-bench"),
					Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn", "PERSIST_METRICS_ENABLED", enabled,
							"PERSIST_METRICS_NAMESPACE", "ingest-pipeline-bench"));
		try (LocalPipeline pipeline = LocalPipeline.start(settings); Rig rig = Rig.on(pipeline)) {
			pipeline.stopWorker();
			ApiAlone api = ApiAlone.measure(rig, List.of(16, 64), WARM_UP, PHASE);
			rig.sqs().purgeQueue((r) -> r.queueUrl(pipeline.queues().url()));
			WorkerAlone worker = WorkerAlone.measure(rig, DRAIN_MESSAGES);
			return new Round(metrics, api, worker, metricLines(work.resolve("logs/api.log")),
					metricLines(work.resolve("logs/worker.log")));
		}
	}

	private static long metricLines(Path log) throws IOException {
		try (Stream<String> lines = Files.lines(log)) {
			return lines.filter((line) -> line.startsWith("{\"_aws\"")).count();
		}
	}

	static String report(Machine machine, List<Round> rounds) {
		StringBuilder out = new StringBuilder();
		out.append("# What the CloudWatch metrics cost\n\n");
		out.append("One run of `tools/metrics-cost.sh` finished at ")
			.append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
			.append(": ")
			.append(machine)
			.append(". Each round is a fresh local pipeline (the emulators in the launcher's JVM, the API and the ")
			.append("worker as their own processes), measured as `tools/benchmark.sh` measures each service alone: ")
			.append("the API warmed until steady, then ")
			.append(PHASE.toSeconds())
			.append(" s closed loops at 16 and 64 connections and an open loop at half the best rate; then the worker ")
			.append("drains ")
			.append(String.format("%,d", DRAIN_MESSAGES))
			.append(" queued messages (its warm-up) and ")
			.append(String.format("%,d", DRAIN_MESSAGES))
			.append(" more, measured. CPU is the process's own user + system time per accepted request or ")
			.append("stored message. Metrics on: `INGEST_METRICS_ENABLED` and `PERSIST_METRICS_ENABLED` true, ")
			.append("the default step (60 s); lines are the embedded metric format lines each service wrote.\n\n");
		out.append("| round | metrics | API CPU/request, 16 conn. | 64 conn. | half load | API req/s, 64 conn. "
				+ "| worker CPU/message | worker msgs/s | lines (API / worker) |\n");
		out.append("|---|---|---|---|---|---|---|---|---|\n");
		int index = 1;
		for (Round round : rounds) {
			out.append(String.format("| %d | %s | %.3f ms | %.3f ms | %.3f ms | %,.0f | %.3f ms | %,.0f | %d / %d |%n",
					index++, round.metrics() ? "on" : "off", cpu(round, 16), cpu(round, 64),
					round.api().halfLoad().cpuMillisPerRequest(), rate(round, 64), round.worker().cpuMillisPerMessage(),
					round.worker().rate(), round.apiLines(), round.workerLines()));
		}
		out.append("\n| mean | API CPU/request, 16 conn. | 64 conn. | half load | worker CPU/message |\n");
		out.append("|---|---|---|---|---|\n");
		for (boolean metrics : List.of(false, true)) {
			List<Round> mode = rounds.stream().filter((round) -> round.metrics() == metrics).toList();
			out.append(String.format("| metrics %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n", metrics ? "on" : "off",
					mode.stream().mapToDouble((round) -> cpu(round, 16)).average().orElse(Double.NaN),
					mode.stream().mapToDouble((round) -> cpu(round, 64)).average().orElse(Double.NaN),
					mode.stream()
						.mapToDouble((round) -> round.api().halfLoad().cpuMillisPerRequest())
						.average()
						.orElse(Double.NaN),
					mode.stream()
						.mapToDouble((round) -> round.worker().cpuMillisPerMessage())
						.average()
						.orElse(Double.NaN)));
		}
		return out.toString();
	}

	private static double cpu(Round round, int connections) {
		return run(round, connections).cpuMillisPerRequest();
	}

	private static double rate(Round round, int connections) {
		return run(round, connections).load().rate();
	}

	private static ApiAlone.Run run(Round round, int connections) {
		return round.api()
			.closed()
			.stream()
			.filter((run) -> run.connections() == connections)
			.findFirst()
			.orElseThrow();
	}

}
