# Faultline as one image: `faultline up`, `faultline scenario run`, and the
# generators docker-compose.yml uses. TypeScript runs through tsx (no build step).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV FAULTLINE_LOG_FORMAT=json
EXPOSE 4317 4318 7070
ENTRYPOINT ["node", "bin/faultline.mjs"]
CMD ["up", "--host", "0.0.0.0"]
