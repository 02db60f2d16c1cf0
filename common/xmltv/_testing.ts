// Fixtures shared by the XMLTV tests: the real guides in testdata/xmltv and their counts.
/** Channels and programmes of each real guide (testdata/xmltv/README.md). */
export const REAL_GUIDES: { file: string; channels: number; programmes: number }[] = [
  { file: "takealug-magentatv-de_doctype_2022-07-25.xml", channels: 118, programmes: 12125 },
  { file: "freeview-epg_uk-ie_2026-08-22.xml", channels: 9, programmes: 2070 },
  { file: "iptv-org-epg-site-fixtures/energeek.cl.xml", channels: 5, programmes: 294 },
  { file: "iptv-org-epg-site-fixtures/epg.iptvx.one.xml", channels: 1, programmes: 230 },
  { file: "iptv-org-epg-site-fixtures/epg.tmacaraibes.com.xml", channels: 1, programmes: 318 },
  { file: "iptv-org-epg-site-fixtures/epgshare01.online.xml", channels: 2, programmes: 203 },
  {
    file: "iptv-org-epg-site-fixtures/makrodigitaltelevision.com.xml",
    channels: 1,
    programmes: 66,
  },
  { file: "iptv-org-epg-site-fixtures/nzxmltv.com.xml", channels: 1, programmes: 2 },
  { file: "iptv-org-epg-site-fixtures/vantagetv.ee.xml", channels: 3, programmes: 332 },
  { file: "iptv-org-epg-site-fixtures/x1co.com.br.xml", channels: 1, programmes: 91 },
];
