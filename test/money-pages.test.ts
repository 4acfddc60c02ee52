import t from 'tap';
import { build, login } from './helpers/build.ts';
import { establishProfile, idNumberOf, padJpeg, PHONE, register, VETERAN } from './helpers/money-persons.ts';
import { errorSummary, inputValue, PageClient, textOf } from './helpers/pages.ts';
import { fieldsOf, sectionsAt, sectionWith } from './helpers/sections.ts';

t.setTimeout(300_000);

/** A JPEG as far as the service looks: start and end markers, `bytes` long. */
function jpegOf(bytes: number): Buffer {
  return padJpeg(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), bytes);
}

/** A 1×1 PNG with an ancillary chunk that makes it `bytes` long (the service checks IHDR and IEND). */
function pngOf(bytes: number): Buffer {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
  const pad = bytes - png.length - 12;
  const chunk = Buffer.concat([Buffer.from([pad >> 24, (pad >> 16) & 0xff, (pad >> 8) & 0xff, pad & 0xff]), Buffer.from('zzZz'), Buffer.alloc(pad), Buffer.alloc(4)]);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

t.test('an amount typed in yuan on the page is stored in fen, sent over the API in fen, shown back in yuan', async (t) => {
  const app = await build(t);
  const personId = await register(app, 311, VETERAN);
  const clerk = new PageClient(app);
  await clerk.login('village-clerk');
  const started = await clerk.post(`/persons/${personId}/cases`, { workflowId: 'hardship-assistance' });
  t.equal(started.statusCode, 303);
  const caseId = /\/cases\/([^/?#]+)/.exec(String(started.headers.location))![1]!;
  // The application is asked in sections (ADR 0021): each field on the page of the section that asks it.
  const act = `/cases/${caseId}/act/SUBMIT`;
  const sections = sectionsAt('hardship-assistance', 'SUBMIT');
  const mobileAt = sectionWith('hardship-assistance', 'SUBMIT', 'mobile');
  const incomeAt = sectionWith('hardship-assistance', 'SUBMIT', 'monthlyIncomeFen');
  const person = await clerk.get(`${act}/section/${mobileAt.n}`);
  t.equal(inputValue(person.body, 'f-mobile'), PHONE, 'the phone comes from the person file');
  t.match(textOf(person.body, 'f-mobile-hint'), '已按人员档案填写，如有变化请修改', 'and the form says so');
  const form = await clerk.get(`${act}/section/${incomeAt.n}`);
  t.match(form.body, /<input class="input width-10" id="f-monthlyIncomeFen" name="d.monthlyIncomeFen" type="text" inputmode="decimal" data-yuan/, 'the amount box takes yuan');
  t.match(textOf(form.body, 'f-monthlyIncomeFen-hint'), '以“元”为单位');
  t.notMatch(form.body, /家庭月收入（分）|以“分”为单位/, 'nothing asks for fen');
  const version = /name="_version" value="(\d+)"/.exec(form.body)![1]!;
  const draftOf = (html: string) => /name="_draft" value="(\d+)"/.exec(html)![1]!;
  const fields = {
    _version: version, _draft: '0', _action: 'continue', 'd.name': '周海军', 'd.idNumber': idNumberOf(311), 'd.mobile': PHONE,
    'd.hardshipTypes': 'medical', 'd.statement': '本人大病住院，医疗费用负担重', 'd.householdSize': '3', 'd.byAgent': 'false', _present: '1',
    'd.materials': ['application-form', 'id-card', 'household-register', 'income-statement', 'hardship-proof', 'medical-bills'],
  };
  const income = (draft: string, yuan: string) =>
    clerk.postMultipart(`${act}/section/${incomeAt.n}`, { ...fieldsOf(incomeAt, fields), _draft: draft, 'd.monthlyIncomeFen': yuan });

  const hostile = await income(draftOf(form.body), '1e999');
  t.equal(hostile.statusCode, 422);
  t.match(errorSummary(hostile.body), '「家庭月收入」请填写以“元”为单位的金额', 'refused, the field named');
  t.equal(inputValue(hostile.body, 'f-monthlyIncomeFen'), '1e999', 'what was typed stays');
  const threeDecimals = await income(draftOf(hostile.body), '1234.567');
  t.match(errorSummary(threeDecimals.body), '「家庭月收入」最多两位小数');

  const ok = await income(draftOf(threeDecimals.body), '1,234.5');
  t.equal(ok.statusCode, 303, ok.statusCode === 303 ? '' : errorSummary(ok.body));
  t.equal(ok.headers.location, act, 'saved: back to the task list');
  // The other sections as a clerk fills them, then on to check-your-answers.
  for (const section of sections.filter((s) => s.n !== incomeAt.n)) {
    const page = await clerk.get(`${act}/section/${section.n}`);
    const saved = await clerk.postMultipart(`${act}/section/${section.n}`, { ...fieldsOf(section, fields), _draft: draftOf(page.body) });
    t.equal(saved.statusCode, 303, saved.statusCode === 303 ? `section ${section.n} saved` : errorSummary(saved.body));
  }
  const on = await clerk.post(`${act}/sections`, { _version: version });
  t.equal(on.headers.location, `${act}/check`, 'every section done');
  const check = await clerk.follow(on);
  t.match(check.body, /家庭月收入<\/dt>\s*<dd[^>]*>1,234.50 元/, 'the check page reads it back in yuan');
  const back = await clerk.get(`${act}/section/${incomeAt.n}`);
  t.equal(inputValue(back.body, 'f-monthlyIncomeFen'), '1234.50', 'going back to change it shows yuan, not fen');
  const sent = await clerk.post(`${act}/check`, { _version: version });
  t.equal(sent.statusCode, 303);

  const api = await app.inject({ url: `/api/v1/cases/${caseId}`, headers: await login(app, 'village-clerk') });
  t.equal(api.json().data.monthlyIncomeFen, 123450, 'the API carries whole fen (the contract)');
  const page = await clerk.follow(sent);
  t.match(page.body, '1,234.50 元', 'the case page shows yuan');
  t.notMatch(page.body, '123450', 'never the fen');
});

t.test('prefill: the political status, placement and phone the person file holds', async (t) => {
  const app = await build(t);
  const personId = await register(app, 331, VETERAN);
  const district = await login(app, 'district-clerk');
  const opened = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'discharge-reporting', personId } });
  t.equal(opened.statusCode, 201, opened.body);
  const data = opened.json().data;
  t.equal(data.partyMember, true, '是否党（团）员 read from 政治面貌 through the definition\'s table');
  t.equal(data.placementType, 'self-employment');
  t.equal(data.mobile, '139****5678', 'and the phone (masked in the view)');

  // A value the item's form does not offer is left for the clerk (discharge-reporting asks conscript or NCO).
  const officer = await register(app, 351, { ...VETERAN, soldierType: 'officer', politicalStatus: 'other' });
  const second = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: district, payload: { workflowId: 'discharge-reporting', personId: officer } });
  t.equal(second.statusCode, 201, second.body);
  t.notOk('soldierType' in second.json().data, 'an officer is not prefilled where the form has no such choice');
  t.notOk('partyMember' in second.json().data, 'a status the table does not map is not guessed');

  // The veteran's profile collection (village) asks 政治面貌 again: it arrives chosen.
  const village = new PageClient(app);
  await village.login('village-clerk');
  const profile = await village.post(`/persons/${personId}/cases`, { workflowId: 'veteran-profile' });
  t.equal(profile.statusCode, 303, profile.body);
  const caseId = /\/cases\/([^/?#]+)/.exec(String(profile.headers.location))![1]!;
  // Asked in sections (ADR 0021): each prefilled field on its section's page.
  const sectionPage = (field: string) => village.get(`/cases/${caseId}/act/SUBMIT/section/${sectionWith('veteran-profile', 'SUBMIT', field).n}`);
  const political = await sectionPage('politicalStatus');
  t.match(political.body, /<select id="f-politicalStatus"[^>]*>[\s\S]*?<option value="party-member" selected>中共党员<\/option>/, 'political status prefilled');
  t.match((await sectionPage('placementType')).body, /<option value="self-employment" selected>自主就业<\/option>/, 'placement prefilled');
  t.equal(inputValue((await sectionPage('mobile')).body, 'f-mobile'), PHONE, 'phone prefilled');
  t.match(textOf(political.body, 'f-politicalStatus-hint'), '已按人员档案填写');
});

t.test('a photo outside the rule its material states is refused on arrival, with the rule and what the file is', async (t) => {
  const app = await build(t);
  const personId = await register(app, 371, VETERAN);
  await establishProfile(app, personId, 371);
  const village = await login(app, 'village-clerk');

  const clerk = new PageClient(app);
  await clerk.login('village-clerk');
  const started = await clerk.post(`/persons/${personId}/cases`, { workflowId: 'preferential-card' });
  t.equal(started.statusCode, 303, started.body);
  const caseId = /\/cases\/([^/?#]+)/.exec(String(started.headers.location))![1]!;
  const form = await clerk.get(`/cases/${caseId}/act/SUBMIT`);
  t.match(form.body, /<input type="file" id="up-photo" name="file.photo" accept="image\/jpeg"/, 'the photo box offers JPEG only');
  t.match(textOf(form.body, 'up-photo-hint'), '须为 JPEG 格式，20–50 KB', 'and says the rule before a file is chosen');
  const version = /name="_version" value="(\d+)"/.exec(form.body)![1]!;
  const fields = { _version: version, _draft: '0', _action: 'continue', 'd.mobile': PHONE, 'd.cardBank': 'psbc', 'd.byAgent': 'false', _present: '1' };
  const files = async (filename: string, bytes: Buffer, draft: number) => {
    const res = await clerk.postMultipart(`/cases/${caseId}/act/SUBMIT`, { ...fields, _draft: String(draft) }, [{ field: 'file.photo', filename, type: 'image/jpeg', bytes }]);
    return res;
  };
  const attachments = async () => (await app.inject({ url: `/api/v1/cases/${caseId}`, headers: village })).json().history.filter((h: { type: string }) => h.type === 'ATTACH').length;

  const png = await files('照片.jpg', pngOf(132 * 1024), 0);
  t.equal(png.statusCode, 422);
  t.match(errorSummary(png.body), '「一寸白底证件照（JPEG，20–50KB）」须为 JPEG 格式，20–50 KB；所选文件「照片.jpg」为 PNG，132 KB，未上传',
    'a PNG named .jpg is refused by its content, the rule and the file said');
  t.match(png.body, /<option value="psbc" selected>/, 'the typed form is kept');
  t.equal(inputValue(png.body, 'f-mobile'), PHONE);
  t.equal(await attachments(), 0, 'nothing was written');

  const big = await files('big.jpg', jpegOf(51 * 1024 + 1), 1);
  t.equal(big.statusCode, 422);
  t.match(errorSummary(big.body), '所选文件「big.jpg」为 JPEG，51 KB，未上传');
  const small = await files('small.jpg', jpegOf(19 * 1024), 2);
  t.match(errorSummary(small.body), '所选文件「small.jpg」为 JPEG，19 KB，未上传');
  t.equal(await attachments(), 0);

  const good = await files('photo.jpg', jpegOf(30 * 1024), 3);
  t.notMatch(good.body, '未上传', 'a JPEG of 30 KB is taken');
  t.equal(await attachments(), 1, 'and recorded once with the case');
  const edge = await files('edge.jpg', jpegOf(50 * 1024), 4);
  t.notMatch(edge.body, '未上传', '50 KB exactly is inside the range');
});
