package dev.pipeline.core.metrics;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MetricCatalogTests {

	@Test
	void theListInTheJarNamesEachMeterOfBothServices() {
		MetricCatalog catalog = MetricCatalog.load();

		assertThat(catalog.of("api")).containsOnlyKeys("ingest.requests", "ingest.publish", "ingest.batch.size",
				"ingest.token.refreshes");
		assertThat(catalog.of("worker")).containsOnlyKeys("persist.messages", "persist.failures", "persist.put",
				"persist.message.age");
		assertThat(catalog.metrics().get("persist.message.age").published()).containsExactly("persist.message.age.sum",
				"persist.message.age.count", "persist.message.age.max");
		assertThat(catalog.metrics().get("ingest.requests").dimensions()).contains(List.of("status", "reason"),
				List.of("outcome"));
	}

	@Test
	void refusesAUnitCloudWatchWouldNotTake() {
		assertThatIllegalStateException().isThrownBy(() -> MetricCatalog.parse(JsonMapper.builder()
			.build()
			.readTree("{\"metrics\":{\"a\":{\"service\":\"api\",\"type\":\"counter\",\"unit\":\"Requests\","
					+ "\"dimensions\":[[]]}}}")))
			.withMessageContaining("unit Requests");
	}

	@Test
	void refusesAMeterWithoutADimensionSet() {
		assertThatIllegalStateException().isThrownBy(() -> MetricCatalog.parse(JsonMapper.builder()
			.build()
			.readTree("{\"metrics\":{\"a\":{\"service\":\"api\",\"type\":\"counter\",\"unit\":\"Count\","
					+ "\"dimensions\":[]}}}")))
			.withMessageContaining("no dimension set");
	}

}
