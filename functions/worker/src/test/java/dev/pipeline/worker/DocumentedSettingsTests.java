package dev.pipeline.worker;

import java.nio.file.Path;

import dev.pipeline.testsupport.DocumentedSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentedSettingsTests {

	@Test
	void readmeDocumentsExactlyTheSettingsTheWorkerBinds() {
		assertThat(DocumentedSettings.inReadme(Path.of("../../README.md"), "Worker", "PERSIST_"))
			.isEqualTo(DocumentedSettings.ofRecord(WorkerProperties.class, "persist"))
			.contains("PERSIST_BUCKET_NAME", "PERSIST_SHUTDOWN_BUDGET");
	}

	@Test
	void readmeGivesEachSettingTheDefaultItsRecordDeclares() {
		assertThat(DocumentedSettings.defaultsInReadme(Path.of("../../README.md"), "Worker", "PERSIST_"))
			.isEqualTo(DocumentedSettings.defaultsOfRecord(WorkerProperties.class, "persist"));
	}

}
