package dev.pipeline.bench;

import java.util.Arrays;

import dev.pipeline.bench.drill.Drills;
import dev.pipeline.bench.perf.Benchmark;
import dev.pipeline.bench.perf.MetricsCost;
import dev.pipeline.bench.profile.Profile;

/**
 * The bench jar's entry: {@code benchmark <root>} ({@code tools/benchmark.sh}) or
 * {@code drills <root> [drill...]} ({@code tools/drills.sh}) or
 * {@code profile <root> [messages]} ({@code tools/profile.sh}) or
 * {@code metrics-cost <root>} ({@code tools/metrics-cost.sh}).
 */
public final class Main {

	private Main() {
	}

	public static void main(String[] args) throws Exception {
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch ((args.length > 0) ? args[0] : "") {
			case "benchmark" -> Benchmark.main(rest);
			case "drills" -> Drills.main(rest);
			case "profile" -> Profile.main(rest);
			case "metrics-cost" -> MetricsCost.main(rest);
			default -> {
				System.err.println(
						"usage: benchmark <root> | drills <root> [kill sigterm flood s3-outage sqs-outage soak] | profile <root> [messages] | metrics-cost <root>");
				System.exit(2);
			}
		}
	}

}
