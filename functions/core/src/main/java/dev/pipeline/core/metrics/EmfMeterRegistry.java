package dev.pipeline.core.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.internal.DefaultGauge;
import io.micrometer.core.instrument.internal.DefaultMeter;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionCounter;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionTimer;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import io.micrometer.core.instrument.push.PushRegistryConfig;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes a service's meters of the {@link MetricCatalog} to CloudWatch as embedded
 * metric format (EMF) lines on standard output: CloudWatch Logs turns them into metrics
 * from the log group the runtime already writes (the awslogs driver on ECS, Lambda's own
 * log), so publishing needs no AWS call, no IAM permission and no network path.
 * <p>
 * Every meter counts what happened since the line that last carried it, and a line is
 * written per tag set once a step (a minute) and at close, only for meters that saw
 * something: a quiet service writes nothing, and nothing counted is lost while the
 * process lives, even when Lambda freezes it across several steps (a step registry would
 * drop a step it missed). On Lambda, {@link #publishIfDue()} at the end of an invocation
 * writes what is due before the sandbox is frozen. Meters outside the catalog are not
 * recorded here at all.
 */
public final class EmfMeterRegistry extends PushMeterRegistry {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String namespace;

	private final Map<String, MetricCatalog.Metric> catalog;

	private final Consumer<String> out;

	private final long stepMillis;

	private final Object publishing = new Object();

	private volatile long lastPublished;

	/**
	 * Creates a registry; {@link #start} begins the publishing once a step.
	 * @param namespace the CloudWatch namespace, e.g. {@code ingest-pipeline-prod}
	 * @param catalog the meters to publish, by name (those of one service)
	 * @param step how often a line is written
	 * @param clock the clock
	 * @param out where each line goes (standard output in the services)
	 */
	public EmfMeterRegistry(String namespace, Map<String, MetricCatalog.Metric> catalog, Duration step, Clock clock,
			Consumer<String> out) {
		super(config(step), clock);
		this.namespace = namespace;
		this.catalog = Map.copyOf(catalog);
		this.out = out;
		this.stepMillis = step.toMillis();
		this.lastPublished = clock.wallTime();
		config().meterFilter(MeterFilter.denyUnless((id) -> this.catalog.containsKey(id.getName())));
	}

	/**
	 * Creates and starts the registry of one service, writing to standard output.
	 * @param service {@code api} or {@code worker}
	 * @param namespace the CloudWatch namespace
	 * @param step how often a line is written
	 * @return the running registry
	 */
	public static EmfMeterRegistry start(String service, String namespace, Duration step) {
		EmfMeterRegistry registry = new EmfMeterRegistry(namespace, MetricCatalog.load().of(service), step,
				Clock.SYSTEM, System.out::println);
		registry.start(new NamedThreadFactory("emf-metrics"));
		return registry;
	}

	private static PushRegistryConfig config(Duration step) {
		return new PushRegistryConfig() {

			@Override
			public String prefix() {
				return "emf";
			}

			@Override
			public String get(String key) {
				return null;
			}

			@Override
			public Duration step() {
				return step;
			}

		};
	}

	/** Writes what was counted if a step has passed since the last line. */
	public void publishIfDue() {
		if (this.clock.wallTime() - this.lastPublished >= this.stepMillis) {
			publish();
		}
	}

	/** Writes a line per tag set for everything counted since the last line. */
	@Override
	public void publish() {
		synchronized (this.publishing) {
			long now = this.clock.wallTime();
			this.lastPublished = now;
			Map<List<Tag>, List<Drained>> byTags = new LinkedHashMap<>();
			for (Meter meter : getMeters()) {
				if (meter instanceof IntervalMeters.Drainable drainable) {
					Map<String, Double> values = drainable.drain();
					if (!values.isEmpty()) {
						byTags.computeIfAbsent(meter.getId().getTags(), (tags) -> new ArrayList<>())
							.add(new Drained(this.catalog.get(meter.getId().getName()), values));
					}
				}
			}
			byTags.forEach((tags, drained) -> this.out.accept(line(now, tags, drained)));
		}
	}

	private String line(long timestamp, List<Tag> tags, List<Drained> drained) {
		Map<String, Object> document = new LinkedHashMap<>();
		Map<String, String> tagValues = new TreeMap<>();
		tags.forEach((tag) -> tagValues.put(tag.getKey(), tag.getValue()));
		List<Map<String, Object>> directives = new ArrayList<>();
		Map<String, Object> values = new LinkedHashMap<>();
		for (Drained one : drained) {
			List<Map<String, String>> metrics = new ArrayList<>();
			one.values().forEach((name, value) -> {
				metrics.add(Map.of("Name", name, "Unit", (name.endsWith(".count")) ? "Count" : one.metric().unit()));
				values.put(name, value);
			});
			// A dimension set that names a tag the meter lacks would make CloudWatch drop
			// the whole line; MetricCatalogTests holds the catalog to the meters.
			List<List<String>> dimensions = one.metric()
				.dimensions()
				.stream()
				.filter(tagValues.keySet()::containsAll)
				.toList();
			directives.add(Map.of("Namespace", this.namespace, "Dimensions", dimensions, "Metrics", metrics));
		}
		document.put("_aws", Map.of("Timestamp", timestamp, "CloudWatchMetrics", directives));
		document.putAll(tagValues);
		document.putAll(values);
		return JSON.writeValueAsString(document);
	}

	private record Drained(MetricCatalog.Metric metric, Map<String, Double> values) {
	}

	@Override
	protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
		return new DefaultGauge<>(id, obj, valueFunction);
	}

	@Override
	protected Counter newCounter(Meter.Id id) {
		return new IntervalMeters.Counter(id);
	}

	@Override
	protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
		return new IntervalMeters.Timer(id, this.clock, pauseDetector);
	}

	@Override
	protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config,
			double scale) {
		return new IntervalMeters.Summary(id, scale);
	}

	@Override
	protected Meter newMeter(Meter.Id id, Meter.Type type, Iterable<Measurement> measurements) {
		return new DefaultMeter(id, type, measurements);
	}

	@Override
	protected <T> FunctionTimer newFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> countFunction,
			ToDoubleFunction<T> totalTimeFunction, TimeUnit totalTimeFunctionUnit) {
		return new CumulativeFunctionTimer<>(id, obj, countFunction, totalTimeFunction, totalTimeFunctionUnit,
				getBaseTimeUnit());
	}

	@Override
	protected <T> FunctionCounter newFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
		return new CumulativeFunctionCounter<>(id, obj, countFunction);
	}

	@Override
	protected TimeUnit getBaseTimeUnit() {
		return TimeUnit.MILLISECONDS;
	}

	@Override
	protected DistributionStatisticConfig defaultHistogramConfig() {
		return DistributionStatisticConfig.NONE;
	}

}
