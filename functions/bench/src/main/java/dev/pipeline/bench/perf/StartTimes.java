package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pipeline.local.LocalPipeline;

/**
 * Launch to healthy for one service, started as a fat jar and as the images start it:
 * extracted, with the JDK's AOT cache (JDK 25) or an AppCDS archive (older JDKs), trained
 * by one run that exits after the context refreshed.
 *
 * @param service {@code api} or {@code worker}
 * @param cache what the fast start used
 * @param fatJar each fat-jar run's time to healthy
 * @param cached each cached run's time to healthy
 */
record StartTimes(String service, String cache, List<Duration> fatJar, List<Duration> cached) {

	static StartTimes measure(Rig rig, Path root, Path work, String module, int runs)
			throws IOException, InterruptedException {
		boolean aot = Runtime.version().feature() >= 25;
		Path jar = LocalPipeline.Settings.jar(root, module);
		List<Duration> fat = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			Rig.progress("Start time: " + module + " as a fat jar, run " + (i + 1));
			fat.add(startOnce(rig, module, LocalPipeline.Settings.javaJar(jar)));
		}
		Path extracted = work.resolve(module + "-extracted");
		exec(List.of(LocalPipeline.Settings.java(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
				"--destination", extracted.toString()));
		Path app = extracted.resolve(jar.getFileName());
		Path cache = work.resolve(module + (aot ? ".aot" : ".jsa"));
		List<String> training = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
				aot ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache,
				"-Dspring.context.exit=onRefresh"));
		training.addAll(LocalPipeline.Settings.JVM_OPTIONS);
		training.addAll(List.of("-jar", app.toString()));
		Rig.progress("Start time: training the " + (aot ? "AOT cache" : "CDS archive") + " of the " + module);
		LocalPipeline.Service trainer = rig.pipeline().launch(module + "-training", training, module.equals("api"));
		if (!trainer.process().waitFor(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The training run of the " + module + " did not exit");
		}
		List<String> fast = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
				aot ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache));
		fast.addAll(LocalPipeline.Settings.JVM_OPTIONS);
		fast.addAll(List.of("-jar", app.toString()));
		List<Duration> cached = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			Rig.progress("Start time: " + module + " extracted with the cache, run " + (i + 1));
			cached.add(startOnce(rig, module, fast));
		}
		return new StartTimes(module, aot ? "JDK AOT cache" : "AppCDS", fat, cached);
	}

	private static Duration startOnce(Rig rig, String module, List<String> command) {
		LocalPipeline.Service service = rig.pipeline().launch(module + "-start", command, module.equals("api"));
		try {
			return service.awaitHealthy(Duration.ofSeconds(120));
		}
		finally {
			service.stop();
		}
	}

	private static void exec(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException("Failed: " + command);
		}
	}

	static Duration median(List<Duration> runs) {
		return runs.stream().sorted().toList().get(runs.size() / 2);
	}

}
