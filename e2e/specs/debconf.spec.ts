import { expect, test } from "../fixtures/test";
import { dockerHost, removeContainer, runContainer, TRIXIE, uniqueName } from "../fixtures/containers";
import { ensurePostfixImage, POSTFIX_MAILNAME, POSTFIX_TAG } from "../harness/bullseye-images.mjs";

// Issue 13 on the restore page: a Debian 11 postfix installed with non-default debconf answers is
// archived; planning its restore onto trixie shows the answers the build preseeds before apt-get install.
const source = uniqueName("kura-e2e-debconf");

test.beforeAll(() => {
  ensurePostfixImage(dockerHost());
  runContainer({ name: source, image: POSTFIX_TAG });
});

test.afterAll(() => removeContainer(source));

test("the restore plan lists the debconf answers it preseeds, and the Dockerfile runs debconf-set-selections", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const response = await request.post(`/api/engines/local/containers/${source}/archives`, { data: { name: uniqueName("e2e debconf") } });
  expect(response.status()).toBe(202);
  const { jobId, archiveId } = (await response.json()) as { jobId: string; archiveId: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state, {
      timeout: 120_000,
      intervals: [500],
    })
    .toBe("succeeded");

  await page.goto(`/archives/${archiveId}/restore`);
  await page.getByLabel("Base image").selectOption(TRIXIE);
  await expect(page.getByTestId("dockerfile-view")).toContainText("debconf-set-selections", { timeout: 90_000 });
  const section = page.getByTestId("restore-plan-debconf");
  const mailname = section.getByTestId("plan-debconf-answer").filter({ hasText: "postfix/mailname" });
  await expect(mailname).toContainText(POSTFIX_MAILNAME);
  await expect(section.getByTestId("plan-debconf-answer").filter({ hasText: "postfix/main_mailer_type" })).toContainText("Internet Site");
});
