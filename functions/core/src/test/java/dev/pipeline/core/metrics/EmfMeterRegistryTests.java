package dev.pipeline.core.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EmfMeterRegistryTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	final MockClock clock = new MockClock();

	final List<String> lines = new ArrayList<>();

	final EmfMeterRegistry registry = new EmfMeterRegistry("ingest-pipeline-test", MetricCatalog.load().of("worker"),
			Duration.ofMinutes(1), this.clock, this.lines::add);

	@Test
	void writesOneEmbeddedMetricFormatLinePerTagSetWithTheCatalogsDimensionSets() {
		this.registry.counter("persist.messages", "outcome", "stored").increment(3);
		this.registry.counter("persist.failures", "reason", "s3-unreachable").increment();
		this.registry.counter("persist.failures", "reason", "key-taken").increment(2);

		this.registry.publish();

		assertThat(this.lines).hasSize(3);
		JsonNode stored = line("persist.messages");
		assertThat(stored.get("outcome").asString()).isEqualTo("stored");
		assertThat(stored.get("persist.messages").asDouble()).isEqualTo(3);
		JsonNode aws = stored.get("_aws");
		assertThat(aws.get("Timestamp").asLong()).isEqualTo(this.clock.wallTime());
		JsonNode directive = aws.get("CloudWatchMetrics").get(0);
		assertThat(directive.get("Namespace").asString()).isEqualTo("ingest-pipeline-test");
		assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"outcome\"]]");
		assertThat(directive.get("Metrics").get(0).get("Name").asString()).isEqualTo("persist.messages");
		assertThat(directive.get("Metrics").get(0).get("Unit").asString()).isEqualTo("Count");
		JsonNode keyTaken = this.lines.stream()
			.map(JSON::readTree)
			.filter((node) -> "key-taken".equals(node.path("reason").asString(null)))
			.findFirst()
			.orElseThrow();
		assertThat(keyTaken.get("persist.failures").asDouble()).isEqualTo(2);
		// The total over all reasons and the one per reason.
		assertThat(keyTaken.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString())
			.isEqualTo("[[],[\"reason\"]]");
	}

	@Test
	void aTimerBecomesSumCountAndMaximumOfTheStepInMilliseconds() {
		Timer put = Timer.builder("persist.put").publishPercentileHistogram().register(this.registry);
		put.record(20, TimeUnit.MILLISECONDS);
		put.record(Duration.ofMillis(70));
		put.record(10_000, TimeUnit.MICROSECONDS);

		this.registry.publish();

		JsonNode line = line("persist.put.max");
		assertThat(line.get("persist.put.sum").asDouble()).isEqualTo(100.0);
		assertThat(line.get("persist.put.count").asDouble()).isEqualTo(3);
		assertThat(line.get("persist.put.max").asDouble()).isEqualTo(70.0);
		JsonNode metrics = line.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics");
		assertThat(metrics).extracting((metric) -> metric.get("Name").asString() + " " + metric.get("Unit").asString())
			.containsExactlyInAnyOrder("persist.put.sum Milliseconds", "persist.put.count Count",
					"persist.put.max Milliseconds");
	}

	@Test
	void eachLineCarriesOnlyWhatHappenedSinceTheLastAndAQuietStepWritesNothing() {
		Timer put = this.registry.timer("persist.put");
		put.record(Duration.ofMillis(50));
		this.registry.counter("persist.messages", "outcome", "stored").increment();
		this.registry.publish();
		this.lines.clear();

		this.registry.publish();
		assertThat(this.lines).isEmpty();

		put.record(Duration.ofMillis(5));
		this.registry.publish();
		assertThat(this.lines).hasSize(1);
		JsonNode line = line("persist.put.max");
		assertThat(line.get("persist.put.count").asDouble()).isEqualTo(1);
		assertThat(line.get("persist.put.max").asDouble()).isEqualTo(5.0);
	}

	@Test
	void whatWasCountedBeforeAFreezeOfManyStepsIsWrittenAfterIt() {
		this.registry.counter("persist.messages", "outcome", "stored").increment(4);
		// Lambda froze the sandbox for ten minutes: no scheduled line was written.
		this.clock.add(10, TimeUnit.MINUTES);

		this.registry.publishIfDue();

		assertThat(line("persist.messages").get("persist.messages").asDouble()).isEqualTo(4);
	}

	@Test
	void publishIfDueWaitsForAStep() {
		this.registry.counter("persist.messages", "outcome", "stored").increment();
		this.clock.add(59, TimeUnit.SECONDS);
		this.registry.publishIfDue();
		assertThat(this.lines).isEmpty();

		this.clock.add(1, TimeUnit.SECONDS);
		this.registry.publishIfDue();
		assertThat(this.lines).hasSize(1);
		this.registry.counter("persist.messages", "outcome", "stored").increment();
		this.registry.publishIfDue();
		assertThat(this.lines).hasSize(1);
	}

	@Test
	void closingWritesWhatTheLastStepCounted() {
		this.registry.counter("persist.messages", "outcome", "already-stored").increment();

		this.registry.close();

		assertThat(line("persist.messages").get("outcome").asString()).isEqualTo("already-stored");
	}

	@Test
	void metersOutsideTheServicesListAreNotRecorded() {
		this.registry.counter("aws.requests", "service", "S3", "operation", "PutObject").increment();
		this.registry.counter("ingest.requests", "outcome", "accepted", "status", "202", "reason", "none").increment();
		DistributionSummary batch = this.registry.summary("ingest.batch.size");
		batch.record(10);

		this.registry.publish();

		assertThat(this.lines).isEmpty();
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void aDimensionSetNamingATagTheMeterLacksIsLeftOutRatherThanSpoilingTheLine() {
		this.registry.counter("persist.messages").increment();

		this.registry.publish();

		assertThat(line("persist.messages").get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString())
			.isEqualTo("[]");
	}

	@Test
	void aSummaryKeepsItsOwnUnit() {
		EmfMeterRegistry api = new EmfMeterRegistry("ns", MetricCatalog.load().of("api"), Duration.ofMinutes(1),
				this.clock, this.lines::add);
		DistributionSummary batch = api.summary("ingest.batch.size");
		batch.record(10);
		batch.record(4);

		api.publish();

		JsonNode line = line("ingest.batch.size.max");
		assertThat(line.get("ingest.batch.size.sum").asDouble()).isEqualTo(14);
		assertThat(line.get("ingest.batch.size.max").asDouble()).isEqualTo(10);
		assertThat(line.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics"))
			.allSatisfy((metric) -> assertThat(metric.get("Unit").asString()).isEqualTo("Count"));
	}

	private JsonNode line(String metric) {
		return this.lines.stream()
			.map(JSON::readTree)
			.filter((node) -> node.has(metric))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no line with " + metric + " in " + this.lines));
	}

}
