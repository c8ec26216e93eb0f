package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.pipeline.local.LocalPipeline;

/**
 * {@code tools/benchmark.sh}: one local pipeline, then its phases in an order that keeps
 * each measurement alone: the emulators' raw ceilings and the API with the worker
 * stopped, the worker draining with the API idle, then the whole pipeline, then start-up.
 * Writes {@code docs/benchmarks.md}.
 */
public final class Benchmark {

	private static final List<Integer> CONCURRENCY = List.of(16, 64);

	private static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.seconds", 10));

	/** The longest warm-up of the API before it is measured; it ends once steady. */
	private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 180));

	private static final int DRAIN_MESSAGES = Integer.getInteger("bench.drain", 10_000);

	private static final int START_RUNS = Integer.getInteger("bench.startRuns", 3);

	/** The share of the worker's drain rate alone that the whole pipeline is offered. */
	private static final double WHOLE_PIPELINE_SHARE = 0.7;

	private Benchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
		Path work = root.resolve("functions/bench/target/run");
		deleteRecursively(work);
		Files.createDirectories(work.resolve("logs"));
		Machine machine = Machine.current();
		Rig.progress("Starting the local pipeline (" + machine + ")");
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(root, work.resolve("s3"), "bench-" + UUID.randomUUID(), LocalPipeline.Ports.any())
			.withLogs(work.resolve("logs"))
			.withEnvironment(Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"),
					Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"));
		try (LocalPipeline pipeline = LocalPipeline.start(settings); Rig rig = Rig.on(pipeline)) {
			pipeline.stopWorker();
			Ceilings ceilings = Ceilings.measure(rig, CONCURRENCY, PHASE);
			ApiAlone api = ApiAlone.measure(rig, CONCURRENCY, WARM_UP, PHASE);
			Map<String, Long> rss = new LinkedHashMap<>();
			rss.put("API", ProcessStats.rssMebibytes(rig.api().process().pid()));
			rig.sqs().purgeQueue((r) -> r.queueUrl(pipeline.queues().url()));
			WorkerAlone worker = WorkerAlone.measure(rig, DRAIN_MESSAGES);
			rss.put("worker", worker.rssMebibytes());
			// Half the API's best rate, below the worker's rate alone: the worker
			// drains slower when it shares the cores, and at its rate alone a backlog
			// grew for the whole phase (POST to object p50 5.2 s at 639 req/s).
			WholePipeline whole = WholePipeline.measure(rig,
					Math.min(api.best().load().rate() / 2, WHOLE_PIPELINE_SHARE * worker.rate()), PHASE);
			List<StartTimes> starts = List.of(StartTimes.measure(rig, root, work, "api", START_RUNS),
					StartTimes.measure(rig, root, work, "worker", START_RUNS));
			Path out = root.resolve("docs/benchmarks.md");
			String report = Report.write(out, machine, PHASE, ceilings, api, worker, whole, rss, starts);
			System.out.println();
			System.out.println(report);
			Rig.progress("Written to " + out);
		}
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			walk.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
	}

}
