package dev.pipeline.api;

import java.nio.file.Path;

import dev.pipeline.testsupport.DocumentedSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentedSettingsTests {

	@Test
	void readmeDocumentsExactlyTheSettingsTheApiBinds() {
		assertThat(DocumentedSettings.inReadme(Path.of("../../README.md"), "API", "INGEST_"))
			.isEqualTo(DocumentedSettings.ofRecord(ApiProperties.class, "ingest"))
			.contains("INGEST_TOKEN_PARAMETER", "INGEST_QUEUE_LINGER");
	}

	@Test
	void readmeGivesEachSettingTheDefaultItsRecordDeclares() {
		assertThat(DocumentedSettings.defaultsInReadme(Path.of("../../README.md"), "API", "INGEST_"))
			.isEqualTo(DocumentedSettings.defaultsOfRecord(ApiProperties.class, "ingest"));
	}

}
