// minhchung web: small progressive enhancements; every page works without this script.
"use strict";

const STATUS_VI = { queued: "Đang chờ", running: "Đang xử lý", done: "Xong", failed: "Lỗi" };
const STAGE_VI = { queued: "", discover: "đang lưu và kiểm tra tệp", pages: "đang đọc chữ các trang", done: "" };

function pollJob(section) {
  const id = section.dataset.job;
  const tick = async () => {
    let job;
    try {
      const response = await fetch(`/api/uploads/${encodeURIComponent(id)}`, { credentials: "same-origin" });
      if (!response.ok) return setTimeout(tick, 5000);
      job = await response.json();
    } catch (err) {
      return setTimeout(tick, 5000);
    }
    document.getElementById("job-status").textContent = STATUS_VI[job.status] || job.status;
    document.getElementById("job-stage").textContent = STAGE_VI[job.stage] ?? job.stage;
    document.getElementById("job-count").textContent = job.total ? `${job.done}/${job.total} trang` : "";
    const bar = document.getElementById("job-progress");
    bar.max = job.total || 1;
    bar.value = job.total ? job.done : 0;
    if (job.status === "done" || job.status === "failed") {
      window.location.reload();
    } else {
      setTimeout(tick, 1500);
    }
  };
  setTimeout(tick, 1000);
}

function boxToggle(box) {
  box.addEventListener("change", () => document.body.classList.toggle("hide-boxes", !box.checked));
}

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  if (job && (job.dataset.status === "queued" || job.dataset.status === "running")) pollJob(job);
  const toggle = document.getElementById("show-boxes");
  if (toggle) boxToggle(toggle);
  document.querySelectorAll("a[data-back]").forEach((link) => link.addEventListener("click", (event) => {
    if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
  }));
});
