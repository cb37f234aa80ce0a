{{ stg_tiktok_videos('tiktok__video_stats') }}
