"""The report's style sheet, inline in the page (no external file, font or request).

System fonts only; colours follow the charts (:mod:`recuento.report.svg`); print rules keep
tables and figures whole on a page and hide the table of contents.
"""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:#222;max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem;line-height:1.45}
h1{font-size:1.8rem;margin:.5rem 0 .2rem}h2{font-size:1.35rem;margin-top:2.2rem;
border-bottom:2px solid #0072B2;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.4rem}
.subtitle{font-size:1.1rem;color:#444;margin:0}.meta{color:#555;font-size:.9rem}
nav ol{columns:2;font-size:.95rem}a{color:#0072B2}
.summary{background:#f1f6fa;border-left:4px solid #0072B2;padding:.8rem 1rem;font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.iv{white-space:nowrap}tr.quote td{font-weight:600;background:#fff6ee}
.dots{font-family:ui-monospace,monospace;letter-spacing:.15rem;white-space:nowrap}
.chart{max-width:100%;height:auto;display:block;margin:.5rem 0 1rem}
figure{margin:0}figcaption{font-size:.9rem;color:#555}
code,.hash{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.82rem;
word-break:break-all}
ul.warnings li{margin:.3rem 0}
.alert{background:#fdf1e6;border-left:4px solid #D55E00;padding:.6rem 1rem;font-weight:600}
@page{size:A4;margin:1.6cm 1.4cm}
@media print{nav{display:none}body{font-size:9.5pt;max-width:none;padding:0}
table{font-size:8.5pt}th,td{padding:.15rem .4rem}h2{break-after:avoid;margin-top:1.4rem}
h3{break-after:avoid}figure,table,tr{break-inside:avoid}.chart{max-width:100%}}
"""
