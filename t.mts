import { startArchive } from "./lib/jobs/archive-container";
import { getJob } from "./lib/jobs/job-runner";
const { jobId } = await startArchive({ engineId: "local", containerRef: "ke", actor: "t" });
for (let i = 0; i < 60; i++) { const j = await getJob(jobId); if (j.state !== "running") { console.log(j.state, j.error); process.exit(0); } await new Promise(r => setTimeout(r, 300)); }
console.log("STUCK"); process.exit(1);
