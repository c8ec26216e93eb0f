package dev.pipeline.core.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application metrics the services publish to CloudWatch, as listed once in
 * {@code modules/observability/metrics.json} (the build copies it into this jar; the
 * observability module's alarms and dashboard read the same file).
 *
 * @param metrics the metrics by meter name
 */
public record MetricCatalog(Map<String, Metric> metrics) {

	/** Where the build puts the list. */
	static final String RESOURCE = "/dev/pipeline/core/metrics.json";

	/** The units CloudWatch accepts that this list uses. */
	static final Set<String> UNITS = Set.of("Count", "Milliseconds", "Bytes");

	/** The most dimensions CloudWatch takes in one dimension set. */
	static final int MAX_DIMENSIONS = 30;

	/** How a meter is recorded, and so which CloudWatch metrics it becomes. */
	public enum Type {

		/** One metric under the meter's name: the count in the minute. */
		COUNTER,

		/** Three metrics: {@code .sum}, {@code .count} and {@code .max} in the minute. */
		TIMER,

		/** As a timer, in the meter's own unit. */
		SUMMARY

	}

	/**
	 * One meter of the list.
	 *
	 * @param name the Micrometer meter name
	 * @param service the service that records it, {@code api} or {@code worker}
	 * @param type how it is recorded
	 * @param unit the CloudWatch unit of its values
	 * @param dimensions its dimension sets, each a list of tag keys (an empty set: no
	 * dimension)
	 */
	public record Metric(String name, String service, Type type, String unit, List<List<String>> dimensions) {

		/**
		 * The names of the CloudWatch metrics this meter becomes.
		 * @return one name for a counter, three for a timer or summary
		 */
		public List<String> published() {
			return (this.type == Type.COUNTER) ? List.of(this.name)
					: List.of(this.name + ".sum", this.name + ".count", this.name + ".max");
		}

	}

	/**
	 * Reads the list from the classpath.
	 * @return the list
	 * @throws IllegalStateException if it is missing or breaks a CloudWatch rule
	 */
	public static MetricCatalog load() {
		try (InputStream in = MetricCatalog.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			return parse(JsonMapper.builder().build().readTree(in));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The meters one service records.
	 * @param service {@code api} or {@code worker}
	 * @return its meters by name
	 */
	public Map<String, Metric> of(String service) {
		Map<String, Metric> own = new LinkedHashMap<>();
		this.metrics.forEach((name, metric) -> {
			if (metric.service().equals(service)) {
				own.put(name, metric);
			}
		});
		return own;
	}

	static MetricCatalog parse(JsonNode root) {
		Map<String, Metric> metrics = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : root.required("metrics").properties()) {
			String name = entry.getKey();
			JsonNode node = entry.getValue();
			String unit = node.required("unit").asString();
			if (!UNITS.contains(unit)) {
				throw new IllegalStateException(name + ": unit " + unit + " is not one of " + UNITS);
			}
			List<List<String>> dimensions = new ArrayList<>();
			for (JsonNode set : node.required("dimensions")) {
				List<String> keys = new ArrayList<>();
				set.forEach((key) -> keys.add(key.asString()));
				if (keys.size() > MAX_DIMENSIONS) {
					throw new IllegalStateException(name + ": more than " + MAX_DIMENSIONS + " dimensions in a set");
				}
				dimensions.add(List.copyOf(keys));
			}
			if (dimensions.isEmpty()) {
				throw new IllegalStateException(name + ": no dimension set (use [[]] for none)");
			}
			metrics.put(name,
					new Metric(name, node.required("service").asString(),
							Type.valueOf(node.required("type").asString().toUpperCase(Locale.ROOT)), unit,
							List.copyOf(dimensions)));
		}
		return new MetricCatalog(Collections.unmodifiableMap(metrics));
	}

}
