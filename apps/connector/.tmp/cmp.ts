import { measurePipeline } from '../bench/pipeline.js';
const n = Number(process.env.N ?? 20000);
const c = Number(process.env.C ?? 5);
const k = Number(process.env.K ?? 3);
const cpu: number[] = [];
for (let i = 0; i < k; i++) cpu.push((await measurePipeline(n, c)).cpuUsPerEvent);
cpu.sort((a, b) => a - b);
console.log(`C=${c} min ${cpu[0]!.toFixed(1)} med ${cpu[Math.floor(k / 2)]!.toFixed(1)} all ${cpu.map((x) => x.toFixed(0)).join(',')}`);
