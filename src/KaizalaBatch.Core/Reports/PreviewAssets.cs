namespace KaizalaBatch.Reports;

/// <summary>The style and the script inlined into the HTML preview (the page is one file: no CDN, no font download).</summary>
internal static class PreviewAssets
{
    /// <summary>Fits a phone (375 px): cards stack, wide tables scroll inside their own box, long GUIDs and pointers
    /// wrap, so the page itself never scrolls sideways.</summary>
    public const string Css = """
        *{box-sizing:border-box} [hidden]{display:none!important}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f5;margin:0;padding:24px;color:#1d2733}
        header h1{margin:0 0 4px;font-size:22px;overflow-wrap:anywhere} header p{margin:0 0 16px;color:#5b6675;max-width:70em}
        .scroll{max-width:100%;overflow-x:auto}
        table.summary{border-collapse:collapse;background:#fff;margin-bottom:16px;box-shadow:0 1px 3px #0002}
        table.summary th,table.summary td{padding:6px 12px;border-bottom:1px solid #e3e7ec;text-align:left;white-space:nowrap}
        td.n{text-align:right;color:#98a2af} td.n a{color:inherit} td.n.new,td.n.changed,td.n.retry,td.n.in-doubt{color:#1d2733;font-weight:600} td.n.invalid{color:#b3261e;font-weight:700}
        .filter{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:16px;font-size:14px}
        .filter fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center}
        .filter legend{float:left;font-weight:600;color:#5b6675;margin-right:4px} .filter label{white-space:nowrap}
        .filter output{color:#5b6675;font-size:13px}
        .cards{display:flex;flex-direction:column;gap:16px}
        .card{background:#fff;border-radius:12px;box-shadow:0 1px 4px #0003;padding:14px 16px;border-top:4px solid #5b2d90;min-width:0}
        .card.invalid{border-top-color:#b3261e} .card.changed{border-top-color:#c77700} .card.unchanged{opacity:.75;border-top-color:#98a2af}
        .meta{font-size:13px;color:#5b6675;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
        .badge{border-radius:8px;padding:1px 8px;background:#e8def8;color:#3b1d66;font-weight:600;font-size:12px}
        .badge.invalid{background:#f9dedc;color:#8c1d18} .badge.changed{background:#ffe8c2;color:#6b3f00} .badge.unchanged{background:#e3e7ec;color:#5b6675}
        .type{font-weight:600;color:#5b2d90} .who{overflow-wrap:anywhere}
        .content{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
        .body{flex:0 1 380px;min-width:0;overflow-wrap:anywhere} .items{flex:1 1 420px;min-width:0;margin-top:10px}
        h2{font-size:17px;margin:10px 0 8px} .q{font-weight:600} .qtype{font-size:11px;color:#98a2af;margin-left:4px}
        ul{list-style:none;padding-left:12px;margin:4px 0} ol.questions{padding-left:20px}
        .footer{font-size:12px;color:#5b6675;border-top:1px solid #e3e7ec;padding-top:6px;margin-bottom:0}
        mark.varies{background:#fff3b0;color:inherit;border-radius:3px;padding:0 2px}
        .legend,.more{font-size:12px;color:#5b6675;margin:0 0 6px}
        table.items{border-collapse:collapse;font-size:13px;width:100%}
        table.items th{text-align:left;font-weight:600;color:#5b6675;border-bottom:2px solid #e3e7ec;padding:4px 8px;vertical-align:bottom}
        table.items td{padding:4px 8px;vertical-align:top} table.items tbody{border-bottom:1px solid #e3e7ec}
        th.pointer{font-family:ui-monospace,monospace;font-weight:400;font-size:12px;min-width:8em}
        td.value{white-space:pre-line;min-width:10em;max-width:28em} td.rows{white-space:nowrap}
        td.group{min-width:12em} .gname{font-weight:600;display:block} .gid{font-family:ui-monospace,monospace;font-size:11px;color:#5b6675;overflow-wrap:anywhere}
        ul.errors{background:#fdf3f2;border-radius:8px;padding:6px 10px;color:#8c1d18;font-size:13px;list-style:disc inside;margin:0;overflow-wrap:anywhere}
        tr.errors td{padding-top:0}
        .file{font-family:ui-monospace,monospace;font-size:13px;overflow-wrap:anywhere} .note{font-size:12px;color:#5b6675}
        .media{display:flex;align-items:center;gap:10px;margin:10px 0}
        .icon{display:inline-flex;align-items:center;justify-content:center;width:64px;height:48px;border-radius:6px;background:#e8def8;color:#3b1d66;font-weight:700;font-size:13px;flex:none}
        .media.document .icon{background:#fde7d9;color:#8a3b12} .media.audio .icon,.media.video .icon{background:#d9eefd;color:#124a8a}
        img.thumb{width:64px;height:48px;object-fit:cover;border-radius:6px;vertical-align:middle;background:#eef1f5;flex:none}
        table.items img.thumb,.choices img.thumb{width:32px;height:24px}
        .tag{font-size:10px;text-transform:uppercase;letter-spacing:.04em;background:#eef1f5;color:#5b6675;border-radius:4px;padding:1px 5px}
        .label{font-size:12px;color:#5b6675;margin:6px 0 0} .message{white-space:pre-wrap}
        table.properties td,table.properties th{padding:2px 8px;text-align:left;font-size:13px}
        .omitted{color:#5b6675;margin-top:16px}
        td.media-value{min-width:12em}
        @media (max-width:600px){body{padding:12px} .card{padding:12px} header h1{font-size:19px}
          table.summary{font-size:13px} table.summary .empty,table.summary .col-type{display:none}
          table.summary th,table.summary td{padding:6px;white-space:normal}
          table.items thead{display:none} table.items tbody,table.items tr,table.items td{display:block}
          table.items tbody{padding:6px 0} table.items td{padding:2px 0;min-width:0;max-width:none}
          table.items td[data-label]::before{content:attr(data-label);display:block;font-family:ui-monospace,monospace;font-size:11px;color:#5b6675}}
        """;

    /// <summary>The filter: checkboxes hide the cards of an action or a state. The address's fragment holds the choice
    /// (<c>#action=a,b&amp;state=invalid</c>: only those), so a filtered view can be linked; the summary's counts link so.</summary>
    public const string Script = """
        (function () {
          var form = document.getElementById('filter'), shown = document.getElementById('shown');
          var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox]'));
          var cards = Array.prototype.slice.call(document.querySelectorAll('article.card'));
          function read() {
            var wanted = {};
            location.hash.slice(1).split('&').forEach(function (part) {
              var pair = part.split('=');
              if (pair.length === 2) wanted[decodeURIComponent(pair[0])] = pair[1].split(',').map(decodeURIComponent);
            });
            boxes.forEach(function (box) { box.checked = !wanted[box.name] || wanted[box.name].indexOf(box.value) >= 0; });
            apply(false);
          }
          function apply(write) {
            var on = {}, hash = [], items = 0, visible = 0;
            ['action', 'state'].forEach(function (name) {
              var all = boxes.filter(function (box) { return box.name === name; });
              var checked = all.filter(function (box) { return box.checked; });
              on[name] = checked.map(function (box) { return box.value; });
              if (checked.length < all.length) hash.push(name + '=' + on[name].map(encodeURIComponent).join(','));
            });
            cards.forEach(function (card) {
              var show = on.action.indexOf(card.dataset.action) >= 0 && on.state.indexOf(card.dataset.state) >= 0;
              card.hidden = !show;
              if (show) { visible++; items += Number(card.dataset.items); }
            });
            shown.textContent = 'Showing ' + visible + ' of ' + cards.length + ' cards (' + items + ' items).';
            if (write) history.replaceState(null, '', hash.length ? '#' + hash.join('&') : location.pathname + location.search);
          }
          form.addEventListener('change', function () { apply(true); });
          window.addEventListener('hashchange', read);
          form.hidden = false;
          read();
        })();
        """;
}
