// Streamlit's own English texts in Vietnamese, and the page language (lang="vi"). Static text only: this script
// never reads or writes report or user text (only exact, known English strings are replaced).
(function () {
  document.documentElement.lang = "vi";
  if (window.__vnqaVietnamese) return;
  window.__vnqaVietnamese = true;
  const TEXTS = {
    "Drag and drop file here": "Kéo và thả tệp vào đây",
    "Drag and drop files here": "Kéo và thả các tệp vào đây",
    "Browse files": "Chọn tệp",
    "Upload": "Tải lên",
    "file upload": "Tải tệp lên",
    "Press Enter to submit form": "Nhấn Enter để gửi",
    "Press Enter to apply": "Nhấn Enter để áp dụng",
    "Running...": "Đang xử lý…",
    "Stop": "Dừng",
    "Download as CSV": "Tải về dạng CSV",
    "Search": "Tìm kiếm",
    "Fullscreen": "Toàn màn hình",
    "Close fullscreen": "Thoát toàn màn hình",
    "Show/hide columns": "Hiện/ẩn cột",
    "Rerun": "Chạy lại",
    "Settings": "Cài đặt",
    "Print": "In",
    "Clear cache": "Xóa bộ nhớ đệm",
    "About": "Giới thiệu",
    "Main menu": "Trình đơn",
    "Copy to clipboard": "Sao chép",
    "No results": "Không có kết quả",
    "Choose an option": "Chọn một mục",
    "Sidebar": "Thanh bên",
    "Vega visualization": "Biểu đồ",
  };
  const LIMIT = /^(?:Limit )?(\S+) per file(.*)$/;  // "5MB per file • TXT, DOCX" (or "Limit 5MB per file")
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];
  function translate(text) {
    const key = text.trim();
    if (Object.prototype.hasOwnProperty.call(TEXTS, key)) return text.replace(key, TEXTS[key]);
    const limit = key.match(LIMIT);
    if (limit) return text.replace(key, "Tối đa " + limit[1].replace(/([0-9.]+)([KMG]B)/, "$1 $2") + " mỗi tệp" + limit[2]);
    return null;
  }
  function fix(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const vi = translate(node.nodeValue);
      if (vi !== null && vi !== node.nodeValue) node.nodeValue = vi;
    }
    for (const name of ATTRIBUTES) {
      for (const el of root.querySelectorAll("[" + name + "]")) {
        const vi = translate(el.getAttribute(name));
        if (vi !== null && vi !== el.getAttribute(name)) el.setAttribute(name, vi);
      }
    }
  }
  let queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      document.documentElement.lang = "vi";
      fix(document.body);
    });
  }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  fix(document.body);
})();
